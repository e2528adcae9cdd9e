"""The three categories every distributor error falls in (the seed's): the distributor's data, ours or
the connection, a missing or wrong mapping. Adapters and services raise these; runs count them."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCategory(StrEnum):
    EXTERNAL = "external"  # the distributor's data: malformed, unknown ids, duplicates
    TECHNICAL = "technical"  # ours or the connection: time-outs, 5xx, our store failing
    MAPPING = "mapping"  # a mapping is missing or points at nothing


class DistributorError(Exception):
    """A failure of one record or one call, with its category and what an operator reads."""

    category: ErrorCategory = ErrorCategory.TECHNICAL

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}

    def as_dict(self) -> dict[str, Any]:
        return {"category": self.category.value, "message": self.message, **self.details}


class ExternalError(DistributorError):
    category = ErrorCategory.EXTERNAL


class TechnicalError(DistributorError):
    category = ErrorCategory.TECHNICAL


class MappingError(DistributorError):
    category = ErrorCategory.MAPPING
