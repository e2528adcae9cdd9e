"""Every catalog kind: its route name, model, references, list filters, and who may change it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from chalicelib.catalog import customer_kinds, season_ticket_kinds
from chalicelib.catalog import kinds as k


@dataclass(frozen=True)
class Kind:
    name: str  # singular, stored in keys: "season"
    plural: str  # route segment: /backoffice/seasons
    spec: type[k.Spec]
    # path in the spec -> kind it names; "prices[].seat_category_id" walks a list
    refs: tuple[tuple[str, str], ...] = ()
    filters: tuple[str, ...] = ()
    # False when items are created by a dedicated route (a plan import), not by POST of the spec
    generic_write: bool = True
    area: str = "catalog"

    def references(self, data: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
        """(field path, referenced kind, id) for every reference an item's data makes."""
        for path, kind in self.refs:
            for value in _walk(data, path.split(".")):
                if value:
                    yield path, kind, value


def _walk(data: Any, parts: list[str]) -> Iterator[Any]:
    if not parts:
        yield from (data if isinstance(data, list) else [data])
        return
    head, rest = parts[0], parts[1:]
    if head.endswith("[]"):
        for element in data.get(head[:-2]) or []:
            yield from _walk(element, rest)
    elif isinstance(data, dict):
        yield from _walk(data.get(head), rest)


KINDS: tuple[Kind, ...] = (
    Kind("season", "seasons", k.SeasonSpec),
    Kind("activity", "activities", k.ActivitySpec),
    Kind("venue", "venues", k.VenueSpec),
    Kind("hall", "halls", k.HallSpec, refs=(("venue_id", "venue"),), filters=("venue_id",)),
    Kind(
        "seating_plan",
        "seating-plans",
        k.SeatingPlanSpec,
        refs=(("hall_id", "hall"),),
        filters=("hall_id",),
        generic_write=False,
    ),
    Kind(
        "layout",
        "layouts",
        k.LayoutSpec,
        refs=(
            ("seating_plan_id", "seating_plan"),
            ("areas[].seat_category_id", "seat_category"),
        ),
        filters=("seating_plan_id",),
    ),
    Kind("seat_category", "seat-categories", k.SeatCategorySpec),
    Kind(
        "sales_channel",
        "sales-channels",
        k.SalesChannelSpec,
        refs=(("quota_ids", "quota"),),
        filters=("type",),
    ),
    Kind("quota", "quotas", k.QuotaSpec, refs=(("channel_ids", "sales_channel"),), filters=("type",)),
    Kind(
        "point_of_sale",
        "points-of-sale",
        k.PointOfSaleSpec,
        refs=(("channel_id", "sales_channel"),),
        filters=("channel_id",),
    ),
    Kind("audience_category", "audience-categories", k.AudienceCategorySpec),
    Kind(
        "audience_subcategory",
        "audience-subcategories",
        k.AudienceSubcategorySpec,
        refs=(("audience_category_id", "audience_category"),),
        filters=("audience_category_id",),
    ),
    Kind(
        "price_grid",
        "price-grids",
        k.PriceGridSpec,
        refs=(
            ("prices[].seat_category_id", "seat_category"),
            ("prices[].audience_subcategory_id", "audience_subcategory"),
        ),
    ),
    Kind(
        "event",
        "events",
        k.EventSpec,
        refs=(("season_id", "season"), ("activity_id", "activity"), ("price_grid_id", "price_grid")),
        filters=("season_id", "activity_id", "status"),
    ),
    Kind(
        "performance",
        "performances",
        k.PerformanceSpec,
        refs=(
            ("event_id", "event"),
            ("hall_id", "hall"),
            ("layout_id", "layout"),
            ("price_grid_id", "price_grid"),
        ),
        filters=("event_id", "hall_id"),
        area="catalog",
    ),
    Kind("company_type", "company-types", k.CompanyTypeSpec, area="contacts"),
    Kind(
        "company",
        "companies",
        k.CompanySpec,
        refs=(("company_type_id", "company_type"),),
        filters=("company_type_id",),
        area="contacts",
    ),
    Kind(
        "contact",
        "contacts",
        k.ContactSpec,
        refs=(("company_id", "company"),),
        filters=("company_id",),
        area="contacts",
    ),
    Kind("indicator", "indicators", customer_kinds.IndicatorSpec, area="contacts"),
    Kind("target_list", "target-lists", customer_kinds.TargetListSpec, area="contacts"),
    Kind(
        "season_ticket",
        "season-tickets",
        season_ticket_kinds.SeasonTicketSpec,
        refs=(
            ("season_id", "season"),
            ("subscriber_indicator_id", "indicator"),
            ("renews_id", "season_ticket"),
            ("lines[].event_id", "event"),
            ("lines[].performance_ids", "performance"),
            ("lines[].prices[].seat_category_id", "seat_category"),
            ("lines[].prices[].audience_subcategory_id", "audience_subcategory"),
        ),
        filters=("season_id", "status"),
        area="season_tickets",
    ),
    Kind(
        "option_limitation",
        "option-limitations",
        k.OptionLimitationSpec,
        refs=(("company_type_ids", "company_type"),),
        area="options",
    ),
    Kind(
        "seat_option_profile",
        "seat-option-profiles",
        k.SeatOptionProfileSpec,
        refs=(
            ("channel_ids", "sales_channel"),
            ("event_ids", "event"),
            ("performance_ids", "performance"),
            ("seat_category_ids", "seat_category"),
        ),
        area="options",
    ),
)

BY_NAME = {kind.name: kind for kind in KINDS}


def kind(name: str) -> Kind:
    return BY_NAME[name]


def referrers(name: str) -> list[tuple[Kind, str]]:
    """(kind, field path) pairs whose items may reference an item of kind `name`."""
    return [(other, path) for other in KINDS for path, target in other.refs if target == name]
