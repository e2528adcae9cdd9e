"""Hold rules as plain Python: what a hold claims, when it counts, and what ending it means."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SeatRef:
    pk: str
    sk: str

    @property
    def seat_id(self) -> str:
        return self.sk.removeprefix("SEAT#")


@dataclass(frozen=True)
class AreaTake:
    """Places taken from one standing-area sub-counter."""

    pk: str
    sk: str
    quantity: int


@dataclass(frozen=True)
class BuyerLimit:
    """A buyer may hold or have bought at most `cap` places of one performance (anti-scalping)."""

    pk: str
    sk: str
    cap: int


@dataclass
class Hold:
    hold_id: str
    org_id: str
    performance_id: str
    owner: str
    status: str
    expires_at: int
    seats: list[SeatRef] = field(default_factory=list)
    areas: list[AreaTake] = field(default_factory=list)
    limit: BuyerLimit | None = None
    cart_id: str | None = None
    order_id: str | None = None

    @property
    def places(self) -> int:
        return len(self.seats) + sum(a.quantity for a in self.areas)

    def is_expired(self, now: int) -> bool:
        return self.status == "active" and self.expires_at <= now

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    @property
    def is_sold(self) -> bool:
        return self.status == "converted"

    @property
    def has_ended(self) -> bool:
        """Released or expired: it holds nothing any more."""
        return self.status in ("released", "expired")


@dataclass(frozen=True)
class ReleaseOutcome:
    hold_id: str
    released: bool
    seats_freed: int
    reason: str
    places_freed: int = 0
    order_id: str | None = None
