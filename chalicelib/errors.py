"""The DomainError tree: stable class names and codes, mapped to HTTP once in api/errors.py."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error a client or a workflow may see; `code` is stable, never the message."""

    code = "domain_error"

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class InvalidInput(DomainError):
    code = "invalid_input"


class MalformedBody(DomainError):
    """The body is not JSON at all (400); a JSON body with wrong fields is InvalidInput (422)."""

    code = "malformed_body"


class BodyTooComplex(MalformedBody):
    """JSON nested too deep or an object with too many keys: refused before any model sees it."""

    code = "body_too_complex"


class PayloadTooLarge(DomainError):
    code = "payload_too_large"


class UnsupportedMediaType(DomainError):
    """A body that is not sent as application/json."""

    code = "unsupported_media_type"


class MethodNotAllowed(DomainError):
    code = "method_not_allowed"


class NotAcceptable(DomainError):
    """The answer is binary (a PDF) and the request's Accept header does not take it."""

    code = "not_acceptable"


class NotAuthenticated(DomainError):
    code = "not_authenticated"


class InvalidToken(NotAuthenticated):
    code = "invalid_token"


class InvalidCredentials(NotAuthenticated):
    code = "invalid_credentials"


class PermissionDenied(DomainError):
    code = "permission_denied"


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    code = "conflict"


class AlreadyExists(Conflict):
    code = "already_exists"


class VersionConflict(Conflict):
    code = "version_conflict"


class SeatUnavailable(Conflict):
    code = "seat_unavailable"


class HoldExpired(Conflict):
    code = "hold_expired"


class HoldMissing(Conflict):
    """An order names a hold that no longer exists: it cannot be paid, sold or cancelled as it is."""

    code = "hold_missing"


class OrphanSeats(Conflict):
    """A choice of seats would leave a single free seat alone between taken seats."""

    code = "orphan_seats"


class BuyerLimitReached(Conflict):
    code = "buyer_limit_reached"


class InvalidTransition(Conflict):
    """The action is not allowed from the item's current state (an order, an option)."""

    code = "invalid_transition"


class PaymentDeclined(Conflict):
    code = "payment_declined"


class InsufficientBalance(Conflict):
    """A gift voucher or credit balance holds less than asked."""

    code = "insufficient_balance"


class TooManyRequests(DomainError):
    """A per-client or per-account rate or throttle (429); `details.retry_after` says when, in seconds."""

    code = "too_many_requests"


class TransientStoreError(DomainError):
    """The store throttled or timed out; the same call may succeed later (workflows retry it)."""

    code = "transient_store_error"


def error_classes() -> dict[str, type[DomainError]]:
    """Every DomainError subclass by class name (Step Functions error names are these)."""
    found: dict[str, type[DomainError]] = {}
    pending: list[type[DomainError]] = [DomainError]
    while pending:
        cls = pending.pop()
        found[cls.__name__] = cls
        pending.extend(cls.__subclasses__())
    return found
