"""The catalog's items as plain Python: a stored item, and the typed reads made from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class PerformanceStatus(StrEnum):
    """A performance's `status` (system state): draft -> opening -> on_sale as its stock is built; an
    opening that failed resumes from open_failed; sales end as closed or cancelled."""

    DRAFT = "draft"
    OPENING = "opening"
    ON_SALE = "on_sale"
    OPEN_FAILED = "open_failed"
    CLOSED = "closed"
    CANCELLED = "cancelled"


# A performance in these states may be opened (open_failed resumes where the failed run stopped).
OPENABLE = (PerformanceStatus.DRAFT.value, PerformanceStatus.OPEN_FAILED.value)


class EventStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


@dataclass
class Stored:
    """A catalog item as stored: its operator-given `data`, and the `state` the system maintains."""

    kind: str
    id: str
    version: int
    data: dict[str, Any]
    state: dict[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def performance_status(self) -> PerformanceStatus:
        """A performance's system status, parsed once here (a new one is a draft)."""
        return PerformanceStatus(self.state.get("status") or PerformanceStatus.DRAFT)
