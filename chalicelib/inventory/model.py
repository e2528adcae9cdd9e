"""Hold rules as plain Python: when a hold counts, and what releasing it means."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SeatRef:
    pk: str
    sk: str


@dataclass
class Hold:
    hold_id: str
    org_id: str
    performance_id: str
    owner: str
    status: str
    expires_at: int
    seats: list[SeatRef] = field(default_factory=list)

    def is_expired(self, now: int) -> bool:
        return self.status == "active" and self.expires_at <= now


@dataclass(frozen=True)
class ReleaseOutcome:
    hold_id: str
    released: bool
    seats_freed: int
    reason: str
