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
