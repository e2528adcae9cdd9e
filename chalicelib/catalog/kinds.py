"""The catalog's item kinds as declared models: their fields, rules and references to other kinds."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)

from chalicelib.catalog import zones
from chalicelib.catalog.model import EventStatus

Code = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Ref = Annotated[str, Field(min_length=1, max_length=64)]
Cents = Annotated[int, Field(ge=0, le=100_000_000, description="Amount in minor units (cents)")]
Days = Annotated[int, Field(ge=0, le=3650)]


class Spec(BaseModel):
    """What an operator sets on a catalog item; unknown fields are refused."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class SeasonSpec(Spec):
    code: Code
    name: Name
    starts_on: date
    ends_on: date
    options_allowed: bool = Field(default=True, description="Options may be requested and placed this season")

    @model_validator(mode="after")
    def _dates_in_order(self) -> SeasonSpec:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on must not be before starts_on")
        return self


class ActivitySpec(Spec):
    """A family of events, carrying the option settings of the seeds."""

    code: Code
    name: Name
    options_allowed: bool = False
    options_count_against_availability: bool = False
    overbooking_allowed: bool = False
    overbooking_percent: int = Field(default=0, ge=0, le=100)
    confirm_days_after_placing: Days | None = None
    confirm_days_before_performance: Days | None = None

    @model_validator(mode="after")
    def _overbooking_needs_options(self) -> ActivitySpec:
        if self.overbooking_percent and not self.overbooking_allowed:
            raise ValueError("overbooking_percent needs overbooking_allowed")
        return self


class VenueSpec(Spec):
    code: Code
    name: Name
    address: str = Field(default="", max_length=500)
    timezone: str = Field(
        default=zones.DEFAULT_ZONE,
        max_length=64,
        description="IANA time zone of the venue (e.g. Europe/Paris): every time shown for its performances "
        "is in this zone's local time",
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return zones.check_zone(value)


class HallSpec(Spec):
    venue_id: Ref
    code: Code
    name: Name


class SeatCategorySpec(Spec):
    code: Code
    name: Name
    rank: int = Field(ge=1, le=99, description="1 is the best category")
    colour: str = Field(pattern=r"^#[0-9a-fA-F]{6}$")
    option_allowed: bool = True


class QuotaType(StrEnum):
    OTHER = "other"
    GROUP = "group"
    EXTERNAL = "external"


class QuotaSpec(Spec):
    """A named share of a performance's seats (contingent)."""

    code: Code
    name: Name
    type: QuotaType = QuotaType.OTHER
    exclusive: bool = False
    channel_ids: list[Ref] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _external_belongs_to_one_channel(self) -> QuotaSpec:
        if self.type == QuotaType.EXTERNAL and len(self.channel_ids) != 1:
            raise ValueError("an external quota belongs to exactly one external sales channel")
        return self


class EventSpec(Spec):
    season_id: Ref
    activity_id: Ref
    code: Code
    name: Name
    description: str = Field(default="", max_length=5000)
    price_grid_id: Ref | None = None
    status: EventStatus = EventStatus.DRAFT
    producer_company_ids: list[Ref] = Field(
        default_factory=list,
        max_length=3,
        description="The companies producing the event (up to three): their relays see it in their space",
    )


class PerformanceSpec(Spec):
    event_id: Ref
    hall_id: Ref
    layout_id: Ref
    code: Code
    starts_at: datetime
    sales_open_at: datetime | None = None
    sales_close_at: datetime | None = None
    price_grid_id: Ref | None = Field(default=None, description="Overrides the event's price grid")

    @model_validator(mode="after")
    def _sales_window_in_order(self) -> PerformanceSpec:
        if self.sales_open_at and self.sales_close_at and self.sales_close_at <= self.sales_open_at:
            raise ValueError("sales_close_at must be after sales_open_at")
        if self.sales_close_at and self.sales_close_at > self.starts_at:
            raise ValueError("sales_close_at must not be after starts_at")
        return self


class AudienceCategorySpec(Spec):
    code: Code
    name: Name


class AudienceSubcategorySpec(Spec):
    audience_category_id: Ref
    code: Code
    name: Name


class Price(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    seat_category_id: Ref
    audience_subcategory_id: Ref
    amount: Cents


class PriceGridSpec(Spec):
    code: Code
    name: Name
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    prices: list[Price] = Field(default_factory=list, max_length=2000)

    @model_validator(mode="after")
    def _one_price_per_cell(self) -> PriceGridSpec:
        cells = [(p.seat_category_id, p.audience_subcategory_id) for p in self.prices]
        if len(cells) != len(set(cells)):
            raise ValueError("a price grid has one price per seat category and audience subcategory")
        return self


class ChannelType(StrEnum):
    BOX_OFFICE = "box_office"
    INTERNET_B2C = "internet_b2c"
    INTERNET_COMPANY = "internet_company"
    INTERNET_AGENCY = "internet_agency"
    EXTERNAL = "external"


class SeatSelection(StrEnum):
    MAP = "map"
    AUTO_WITH_VIEW = "auto_with_view"
    AUTO_WITH_MODIFICATION = "auto_with_modification"
    NO_PLAN = "no_plan"


class DeliveryMethod(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    code: Code
    name: Name
    fee: Cents = 0
    immediate: bool = Field(
        default=False, description="The buyer has the tickets at once (e-ticket, print at home, mobile)"
    )


class SalesChannelSpec(Spec):
    code: Code
    name: Name
    type: ChannelType
    hold_timeout_minutes: int = Field(default=20, ge=1, le=24 * 60)
    hold_extension_minutes: int = Field(
        default=10, ge=1, le=24 * 60, description="Added once per checkout step (details, delivery, payment)"
    )
    hold_max_minutes: int | None = Field(
        default=None,
        ge=1,
        le=7 * 24 * 60,
        description="A cart's holds last at most this; none: the timeout plus one extension per step",
    )
    seat_selection: SeatSelection = SeatSelection.MAP
    quota_ids: list[Ref] = Field(default_factory=list, max_length=50)
    max_tickets_per_performance: int = Field(default=10, ge=1, le=1000, description="Per order")
    max_tickets_per_buyer: int | None = Field(
        default=None,
        ge=1,
        le=100_000,
        description="Per performance across a buyer's carts and orders; none: the per-order maximum",
    )
    orphan_seat_trigger: int = Field(
        default=0, ge=0, description="Below this many free seats, orphans are allowed"
    )
    always_allow_orphan_seats: bool = False
    booking_fee: Cents = 0
    booking_fee_cap: Cents | None = None
    delivery_methods: list[DeliveryMethod] = Field(default_factory=list, max_length=20)
    reservation_days: int = Field(
        default=3,
        ge=1,
        le=365,
        description="A reservation (order above the payment ceiling) is payable this long",
    )
    reservations_payable_online: bool = True
    reservations_cancellable_online: bool = True
    immediate_delivery_only: bool = Field(
        default=False, description="Offer only the delivery methods that give the tickets at once"
    )
    filter_by_quantity: bool = Field(
        default=False, description="The shop lists only performances with at least the quantity asked free"
    )
    ticket_download: bool = Field(default=True, description="Buyers may download their e-tickets as a PDF")
    direct_option_requests: bool = Field(
        default=False, description="Relays request options online without going through the box office"
    )
    option_confirmation_days: int | None = Field(
        default=None, ge=1, le=365, description="An option requested online is to be confirmed within this"
    )
    beneficiary_change_hours: int = Field(
        default=24,
        ge=0,
        le=24 * 365,
        description="A ticket's beneficiary may be changed until this many hours before the performance",
    )
    hide_waiting_list: bool = Field(default=False, description="No waiting list on sold-out performances")
    waiting_list_offer_hours: int = Field(
        default=24, ge=1, le=24 * 14, description="How long a waiting-list entry's offer of seats is held"
    )

    @model_validator(mode="after")
    def _hold_times_in_order(self) -> SalesChannelSpec:
        if self.hold_max_minutes is not None and self.hold_max_minutes < self.hold_timeout_minutes:
            raise ValueError("hold_max_minutes must not be below hold_timeout_minutes")
        return self


class PointOfSaleSpec(Spec):
    """A shop front of a channel. Who it serves depends on its channel's type (see `channel_problems`):
    B2C serves everyone, or only `allowed_contact_ids` when listed; B2B (company, agency) serves relays,
    limited to `allowed_company_ids` when listed, or by `company_access` to group or non-group companies."""

    channel_id: Ref
    code: Code
    name: Name
    url: str = Field(default="", max_length=500)
    languages: list[Annotated[str, Field(pattern=r"^[a-z]{2}$")]] = Field(
        default_factory=lambda: ["fr", "en"]
    )
    guest_checkout: bool = True
    payment_ceiling: Cents | None = Field(default=None, description="Above it an order becomes a reservation")
    guest_reservations: bool = Field(
        default=False, description="Guests may reserve above the payment ceiling; otherwise only accounts may"
    )
    allowed_contact_ids: list[Ref] = Field(
        default_factory=list,
        max_length=1000,
        description="B2C: only these contacts' accounts; B2B: these relays besides the companies served",
    )
    allowed_company_ids: list[Ref] = Field(
        default_factory=list, max_length=1000, description="B2B only: only these companies' relays"
    )
    company_access: Literal["any", "group", "non_group"] = Field(
        default="any",
        description="B2B only: any company's relays, or only those of group (or non-group) company types",
    )

    @field_validator("company_access")
    @classmethod
    def _one_company_limit(cls, value: str, info: ValidationInfo) -> str:
        if value != "any" and info.data.get("allowed_company_ids"):
            raise ValueError(
                "limits to group or non-group companies, allowed_company_ids to a list: choose one "
                "(company_access any with a list)"
            )
        return value

    def channel_problems(self, channel_type: str) -> list[dict[str, str]]:
        """The settings that do not fit a channel of this type: [{"field": ..., "reason": ...}]."""
        b2b = channel_type in (ChannelType.INTERNET_COMPANY, ChannelType.INTERNET_AGENCY)
        b2c = channel_type == ChannelType.INTERNET_B2C
        problems = []
        if not b2b and self.allowed_company_ids:
            problems.append(
                {"field": "allowed_company_ids", "reason": "only a B2B point of sale lists companies"}
            )
        if not b2b and self.company_access != "any":
            problems.append(
                {"field": "company_access", "reason": "only a B2B point of sale limits companies"}
            )
        if not (b2b or b2c) and self.allowed_contact_ids:
            problems.append(
                {"field": "allowed_contact_ids", "reason": "only internet points of sale list contacts"}
            )
        return problems


class StandingArea(BaseModel):
    """A standing area; `x`, `y`, `width`, `height` (all four or none) place it on the plan, in the
    seats' coordinates (x, y its top-left corner), so the admin page draws it where it is in the hall."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    code: Code
    name: Name
    capacity: int = Field(ge=1, le=200_000)
    x: float | None = Field(default=None, ge=-1e6, le=1e6)
    y: float | None = Field(default=None, ge=-1e6, le=1e6)
    width: float | None = Field(default=None, gt=0, le=1e6)
    height: float | None = Field(default=None, gt=0, le=1e6)

    @model_validator(mode="after")
    def placed_whole_or_not_at_all(self) -> StandingArea:
        given = [name for name in ("x", "y", "width", "height") if getattr(self, name) is not None]
        if given and len(given) != 4:
            missing = next(name for name in ("x", "y", "width", "height") if getattr(self, name) is None)
            raise ValueError(f"x, y, width and height place an area together: {missing} is missing")
        return self

    @model_serializer(mode="wrap")
    def without_an_absent_place(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """An area the plan does not place is stored and answered as before: no null coordinates."""
        return {name: value for name, value in handler(self).items() if value is not None}


class SeatingPlanSpec(Spec):
    """A hall's physical seats; its seats live in per-block records written by the plan import."""

    hall_id: Ref
    code: Code
    name: Name
    areas: list[StandingArea] = Field(default_factory=list, max_length=100)


class AreaAssignment(BaseModel):
    """A standing area's category, and how its places are shared between quotas."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    area: Code
    seat_category_id: Ref
    quotas: dict[str, int] = Field(description="quota id -> places; their sum is at most the area's capacity")


class LayoutSpec(Spec):
    """Assigns a plan's seats and areas to seat categories and, by default, to quotas.

    Seats' assignments live in per-block records (chalicelib/db/plans.py), set through the layout's
    assignment routes; a performance's stock copies them when it opens for sale.
    """

    seating_plan_id: Ref
    code: Code
    name: Name
    areas: list[AreaAssignment] = Field(default_factory=list, max_length=100)


class CompanyTypeSpec(Spec):
    """A kind of customer organisation: works council, school, tour operator..."""

    code: Code
    name: Name
    group: bool = Field(
        default=False,
        description="A group type (collectivité): B2B points of sale may serve only, or never, its companies",
    )


class CompanySpec(Spec):
    """A customer organisation (structure): a company, school, agency or producer."""

    code: Code
    name: Name
    company_type_id: Ref
    address: str = Field(default="", max_length=500)
    account_status: Literal["requested", "accepted", "refused", "suspended"] = Field(
        default="accepted",
        description="Its online account: until accepted (or once suspended) its relays cannot use the "
        "company and agency spaces, request options or order there",
    )


class ContactSpec(Spec):
    """A person; with a company, they may act for it (a relay). The code is the contact number a relay
    gives, with e-mail and password, to log in to the company space."""

    code: Code
    name: Name
    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    company_id: Ref | None = None
    relay: bool = Field(default=False, description="Acts for the company (requests options on its behalf)")
    preferred_seat_ids: list[Annotated[str, Field(min_length=1, max_length=140)]] = Field(
        default_factory=list,
        max_length=20,
        description="Seats the contact prefers, best first: a season-ticket renewal offers them when the "
        "contact's own seat is taken",
    )

    @model_validator(mode="after")
    def _relay_has_a_company(self) -> ContactSpec:
        if self.relay and not self.company_id:
            raise ValueError("a relay acts for a company: company_id is required")
        return self


class OptionLimitationSpec(Spec):
    """Caps on seat options for customers of some company types (option limitation table)."""

    code: Code
    name: Name
    company_type_ids: list[Ref] = Field(min_length=1, max_length=50)
    max_places_per_option: int | None = Field(default=None, ge=1, le=100_000)
    max_places_per_performance: int | None = Field(
        default=None, ge=1, le=100_000, description="All of one company's options on a performance"
    )


class SeatOptionProfileSpec(Spec):
    """What a sales channel's customers may request as seat options in a date range.

    Profiles apply to requests only, never to an operator's placement.
    """

    code: Code
    name: Name
    channel_ids: list[Ref] = Field(min_length=1, max_length=50)
    starts_on: date
    ends_on: date
    event_ids: list[Ref] = Field(default_factory=list, max_length=500, description="None listed: every event")
    performance_ids: list[Ref] = Field(
        default_factory=list, max_length=2000, description="None listed: every one"
    )
    seat_category_ids: list[Ref] = Field(
        default_factory=list, max_length=100, description="None listed: every one"
    )
    minimum_quantity: int = Field(default=1, ge=1, le=10_000, description="Per requested seat category")
    payment_date: date | None = None
    validated: bool = Field(default=False, description="Only a validated profile is in force")

    @model_validator(mode="after")
    def _dates_in_order(self) -> SeatOptionProfileSpec:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on must not be before starts_on")
        return self
