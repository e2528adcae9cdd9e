"""Advantages, promo codes and single-use codes as plain Python: their settings, states and refusals."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from chalicelib.errors import Conflict, InvalidInput, InvalidTransition

SET_PRICE = "set_price"
AMOUNT_OFF = "amount_off"
PERCENT_OFF = "percent_off"
SINGLE_ENTRY = "single_entry"  # events: the only product family advantages apply to for now

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
Ids = Annotated[list[Id], Field(max_length=200)]
Cents = Annotated[int, Field(ge=0, le=100_000_000)]
Cap = Annotated[int, Field(ge=1, le=10_000_000)]
# Codes entered by buyers: compared without case, so stored upper-case.
CodeText = Annotated[str, Field(min_length=4, max_length=32, pattern=r"^[A-Za-z0-9-]+$")]


class Spec(BaseModel):
    """Settings an operator writes: unknown fields are refused (a client never sets state or counts)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class PriceRule(Spec):
    kind: Literal["set_price", "amount_off", "percent_off"]
    value: Cents  # cents, or whole percents for percent_off

    @model_validator(mode="after")
    def _percent_in_range(self) -> PriceRule:
        if self.kind == PERCENT_OFF and not 1 <= self.value <= 100:
            raise ValueError("a percent off is between 1 and 100")
        return self


class Discount(Spec):
    """A promo code's basket-wide discount."""

    kind: Literal["amount_off", "percent_off"]
    value: Annotated[int, Field(ge=1, le=100_000_000)]

    @model_validator(mode="after")
    def _percent_in_range(self) -> Discount:
        if self.kind == PERCENT_OFF and self.value > 100:
            raise ValueError("a percent off is between 1 and 100")
        return self


class EndOfSale(Spec):
    rule: Literal["performance_end_of_sale", "performance_start_plus_tolerance", "no_limit"]
    tolerance_minutes: Annotated[int, Field(ge=0, le=24 * 60)] = 0


TARGET_NEEDS = {
    "contacts": ("target_list_id",),
    "indicator": ("indicator", "level"),
    "partner": ("access_code",),
}


class Target(Spec):
    """Who may use an advantage; each type names what it needs."""

    type: Literal["general_public", "contacts", "indicator", "partner", "single_use_codes"]
    target_list_id: Id | None = None
    indicator: Id | None = None
    level: Id | None = None
    access_code: CodeText | None = None

    @model_validator(mode="after")
    def _fields_of_type(self) -> Target:
        missing = [name for name in TARGET_NEEDS.get(self.type, ()) if not getattr(self, name)]
        if missing:
            raise ValueError(f"a {self.type} target needs {', '.join(missing)}")
        if self.access_code:
            self.access_code = self.access_code.upper()
        return self


class AdvantagePrice(Spec):
    audience_subcategory_id: Id
    event_id: Id | None = None  # None: every event of the advantage
    rule: PriceRule


class Validity(Spec):
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    end_of_sale: EndOfSale = EndOfSale(rule="performance_end_of_sale")
    channel_ids: Ids = []  # empty: every internal sales channel

    @model_validator(mode="after")
    def _ordered(self) -> Validity:
        if self.valid_from and self.valid_until and self.valid_from >= self.valid_until:
            raise ValueError("valid_until must come after valid_from")
        return self


class AdvantageSpec(Validity):
    season_id: Id
    product_family: Literal["single_entry"] = SINGLE_ENTRY
    event_ids: Annotated[list[Id], Field(min_length=1, max_length=200)]
    performance_ids: Ids = []  # empty: every performance of the events
    prices: Annotated[list[AdvantagePrice], Field(min_length=1, max_length=500)]
    quota: Cap | None = None  # tickets sold with it overall
    max_per_order: Cap | None = None
    max_per_customer: Cap | None = None
    public_name: Annotated[str, Field(min_length=1, max_length=120)]
    description: Annotated[str, Field(max_length=2000)] = ""
    target: Target

    @model_validator(mode="after")
    def _prices_on_its_events(self) -> AdvantageSpec:
        strays = sorted({p.event_id for p in self.prices if p.event_id and p.event_id not in self.event_ids})
        if strays:
            raise ValueError(f"prices name events the advantage does not cover: {', '.join(strays)}")
        return self


class PromoCodeSpec(Validity):
    code: CodeText
    public_name: Annotated[str, Field(min_length=1, max_length=120)]
    description: Annotated[str, Field(max_length=2000)] = ""
    discount: Discount
    minimum_basket: Cents = 0
    indicator: Id | None = None
    level: Id | None = None
    max_uses: Cap | None = None
    max_uses_per_customer: Cap | None = None

    @model_validator(mode="after")
    def _upper_code(self) -> PromoCodeSpec:
        self.code = self.code.upper()
        if bool(self.indicator) != bool(self.level):
            raise ValueError("an indicator condition needs both indicator and level")
        return self


class State(StrEnum):
    DRAFT = "draft"
    IN_OPERATION = "in_operation"
    CLOSED = "closed"


PUT_IN_OPERATION = "put_in_operation"
CLOSE = "close"
TRANSITIONS = {
    (State.DRAFT, PUT_IN_OPERATION): State.IN_OPERATION,
    (State.DRAFT, CLOSE): State.CLOSED,
    (State.IN_OPERATION, CLOSE): State.CLOSED,
}


def next_state(state: State, action: str) -> State:
    try:
        return TRANSITIONS[(State(state), action)]
    except KeyError:
        raise InvalidTransition(
            f"Cannot {action.replace('_', ' ')} from {state}", {"state": str(state), "action": action}
        ) from None


def check_editable(state: State) -> None:
    if state == State.CLOSED:
        raise InvalidTransition("A closed item can no longer change", {"state": str(state)})


def check_deletable(state: State) -> None:
    if state != State.DRAFT:
        raise InvalidTransition("Only a draft can be deleted", {"state": str(state)})


class Advantage(AdvantageSpec):
    advantage_id: Id
    state: State = State.DRAFT
    version: int = 1


class PromoCode(PromoCodeSpec):
    promo_id: Id
    state: State = State.DRAFT
    version: int = 1


# Single-use codes: no look-alikes (0/O, 1/I/L), so a code read aloud or on paper is typed right.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10  # 31**10: about 8e14 codes, unguessable by trying
MAX_CODES_PER_CALL = 1_000


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    return text.strip().upper()


class CodeState(StrEnum):
    FREE = "free"
    IN_CART = "in_cart"
    USED = "used"
    REVOKED = "revoked"


@dataclass(frozen=True)
class SingleUseCode:
    code: str
    advantage_id: str
    state: CodeState
    batch_id: str | None = None
    contact_id: str | None = None
    cart_id: str | None = None
    cart_expires_at: int | None = None
    order_id: str | None = None
    used_at: str | None = None
    used_by: str | None = None
    revoked_reason: str | None = None

    def state_at(self, now: int) -> CodeState:
        """A code in a cart that expired is free again (the same rule as a seat held by an expired hold)."""
        if self.state == CodeState.IN_CART and (self.cart_expires_at or 0) <= now:
            return CodeState.FREE
        return self.state


class CodeRefused(Conflict):
    """A code (single-use, partner or promo) cannot be used; `details.reason` says why."""

    code = "code_refused"


class AdvantageRefused(Conflict):
    """An advantage or promo code cannot apply to a place or a cart now; `details` say which and why."""

    code = "advantage_refused"


class QuotaReached(Conflict):
    code = "quota_reached"


def refuse(reason: str, message: str, **details: object) -> CodeRefused:
    return CodeRefused(message, {"reason": reason, **details})


def check_count(count: int) -> None:
    if not 1 <= count <= MAX_CODES_PER_CALL:
        raise InvalidInput(
            f"Generate between 1 and {MAX_CODES_PER_CALL} codes at once",
            {"field": "count", "max": MAX_CODES_PER_CALL},
        )
