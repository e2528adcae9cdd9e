"""What may be asked for and when: the option settings, limitation tables, profiles, deadlines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from chalicelib import clock
from chalicelib.catalog import service as catalog
from chalicelib.catalog import zones
from chalicelib.errors import (
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from chalicelib.options import model as m
from chalicelib.options import repository
from chalicelib.options import stock as option_stock
from chalicelib.shop.model import parse_time

MAX_FALLBACKS = 3
SAVE_ATTEMPTS = 5
DAY = 86400
# Without a "confirm within N days after placing" setting, a placed option lapses after this.
DEFAULT_CONFIRM_DAYS = 10


@dataclass(frozen=True)
class RequestIn:
    performance_id: str
    quantities: dict[str, int]  # seat category -> places
    fallback_performance_ids: tuple[str, ...] = ()
    accept_upgrade: bool = False
    remark: str = ""


@dataclass(frozen=True)
class LineIn:
    category_id: str
    quantity: int
    quota_id: str | None = None


def now() -> int:
    return clock.seconds()


def iso(epoch: int | None = None) -> str:
    return datetime.fromtimestamp(epoch or now(), tz=UTC).isoformat(timespec="seconds")


def starts(org_id: str, performance_id: str) -> int:
    moment = parse_time(catalog.get(org_id, "performance", performance_id).data["starts_at"])
    return int(moment.timestamp()) if moment else 0


def zone(org_id: str, performance_id: str) -> str:
    """The time zone of the performance's venue: deadlines in days keep their local wall time."""
    performance = catalog.get(org_id, "performance", performance_id).data
    return zones.zone_of_performance(
        performance, lambda kind, item_id: catalog.get(org_id, kind, item_id).data
    )


def check_allowed(org_id: str, performance_id: str, categories: list[str], field: str = "quantities") -> None:
    """Options allowed by the season, the activity and each seat category (the settings)."""
    try:
        performance = catalog.get(org_id, "performance", performance_id).data
    except NotFound:
        raise InvalidInput(
            "No such performance", {"field": "performance_id", "value": performance_id}
        ) from None
    event = catalog.get(org_id, "event", performance["event_id"]).data
    season = catalog.get(org_id, "season", event["season_id"]).data
    activity = catalog.get(org_id, "activity", event["activity_id"]).data
    if not season.get("options_allowed", True):
        raise PermissionDenied(
            "This season takes no options", {"field": "performance_id", "season": season["code"]}
        )
    if not activity.get("options_allowed"):
        raise PermissionDenied(
            "This activity takes no options", {"field": "performance_id", "activity": activity["code"]}
        )
    for category_id in categories:
        try:
            category = catalog.get(org_id, "seat_category", category_id).data
        except NotFound:
            raise InvalidInput("No such seat category", {"field": field, "value": category_id}) from None
        if not category.get("option_allowed", True):
            raise PermissionDenied(
                f"Seat category {category['code']} takes no options", {"field": field, "value": category_id}
            )


def check_limitations(
    org_id: str, company_id: str | None, performance_id: str, quantity: int, option_id: str
) -> None:
    """The option limitation tables of the contact's company type."""
    if not company_id:
        return
    company_type = catalog.get(org_id, "company", company_id).data["company_type_id"]
    tables = [
        t.data
        for t in catalog.all_items(org_id, "option_limitation")
        if company_type in t.data["company_type_ids"]
    ]
    for table in tables:
        most = table.get("max_places_per_option")
        if most is not None and quantity > most:
            raise InvalidInput(
                f"At most {most} places per option for this kind of customer ({table['code']})",
                {"field": "quantities", "max": most},
            )
        per_show = table.get("max_places_per_performance")
        if per_show is not None:
            others = sum(
                max(o.placed_quantity, o.requested_quantity)
                for o in repository.all_of_org(org_id)
                if o.company_id == company_id
                and o.option_id != option_id
                and o.state not in (m.REFUSED, m.CANCELLED, m.EXPIRED)
                and performance_id in (o.performance_id, o.placed_performance_id)
            )
            if others + quantity > per_show:
                raise InvalidInput(
                    f"At most {per_show} places per performance for this customer ({table['code']})",
                    {"field": "quantities", "max": per_show, "already": others},
                )


def check_profile(org_id: str, channel_id: str, request: RequestIn, today: str) -> dict:
    """The channel's seat option profile in force today must allow the request (requests only)."""
    for profile in (p.data for p in catalog.all_items(org_id, "seat_option_profile")):
        if not profile.get("validated") or channel_id not in profile["channel_ids"]:
            continue
        if not (str(profile["starts_on"]) <= today <= str(profile["ends_on"])):
            continue
        performance = catalog.get(org_id, "performance", request.performance_id).data
        for chosen in (request.performance_id, *request.fallback_performance_ids):
            if profile["performance_ids"] and chosen not in profile["performance_ids"]:
                raise PermissionDenied(
                    "This performance cannot be requested as an option here", {"field": "performance_id"}
                )
        if profile["event_ids"] and performance["event_id"] not in profile["event_ids"]:
            raise PermissionDenied(
                "This event cannot be requested as an option here", {"field": "performance_id"}
            )
        for category_id, quantity in request.quantities.items():
            if profile["seat_category_ids"] and category_id not in profile["seat_category_ids"]:
                raise PermissionDenied(
                    "This seat category cannot be requested as an option here",
                    {"field": "quantities", "value": category_id},
                )
            if quantity < profile["minimum_quantity"]:
                raise InvalidInput(
                    f"At least {profile['minimum_quantity']} places per seat category",
                    {
                        "field": "quantities",
                        "minimum": profile["minimum_quantity"],
                        "category_id": category_id,
                    },
                )
        return profile
    raise PermissionDenied("This point of sale takes no option requests now", {"field": "pos_code"})


def check_request(request: RequestIn) -> None:
    if not request.quantities or any(q < 1 for q in request.quantities.values()):
        raise InvalidInput("Ask for at least one place in a seat category", {"field": "quantities"})
    if len(request.fallback_performance_ids) > MAX_FALLBACKS:
        raise InvalidInput(f"At most {MAX_FALLBACKS} fallback dates", {"field": "fallback_performance_ids"})


def check_fallbacks(org_id: str, request: RequestIn) -> None:
    """Fallback dates are other performances of the same event (other shows go in the remark)."""
    event_id = catalog.get(org_id, "performance", request.performance_id).data["event_id"]
    seen = {request.performance_id}
    for fallback in request.fallback_performance_ids:
        details = {"field": "fallback_performance_ids", "value": fallback}
        if fallback in seen:
            raise InvalidInput("Each fallback date differs from the first choice and the others", details)
        seen.add(fallback)
        try:
            other = catalog.get(org_id, "performance", fallback).data
        except NotFound:
            raise InvalidInput("No such performance", details) from None
        if other["event_id"] != event_id:
            raise InvalidInput(
                "A fallback date is a performance of the same event; name other shows in the remark",
                {**details, "event_id": event_id},
            )


def check_payment_date(org_id: str, performance_id: str, payment_date: str | None) -> None:
    """A placement's payment date is today or later, and not after its performance's day, both days
    at the performance's venue (its local calendar, not UTC's)."""
    if not payment_date:
        return
    day = date.fromisoformat(payment_date)
    venue_zone = zone(org_id, performance_id)
    if day < zones.local_date(clock.now(), venue_zone):
        raise InvalidInput("The payment date has passed", {"field": "payment_date", "value": payment_date})
    show_day = zones.local_date(starts(org_id, performance_id), venue_zone)
    if day > show_day:
        raise InvalidInput(
            "The payment date is after the performance",
            {"field": "payment_date", "value": payment_date, "performance_day": show_day.isoformat()},
        )


def payment_deadline(org_id: str, performance_id: str, payment_date: str | None) -> int | None:
    """The end of the payment day at the venue (23:59:59 local), never after the performance begins;
    None without a date."""
    if not payment_date:
        return None
    end = zones.end_of_local_day(date.fromisoformat(payment_date), zone(org_id, performance_id))
    return min(int(end.timestamp()), starts(org_id, performance_id))


def request_deadline(org_id: str, performance_id: str) -> int:
    """A request is editable (and can be placed) until the performance's confirmation cut-off: N days
    before it at the same local wall time (a 20:00 show: 20:00 at the venue that day, across DST)."""
    settings = option_stock.settings_of(org_id, performance_id)
    days = settings.confirm_days_before_performance or 0
    cut_off = zones.days_before_local(starts(org_id, performance_id), days, zone(org_id, performance_id))
    return int(cut_off.timestamp())


def placement_deadline(org_id: str, performance_id: str) -> int:
    """N days after placing, at the same local wall time at the venue, never after the cut-off."""
    settings = option_stock.settings_of(org_id, performance_id)
    days = settings.confirm_days_after_placing or DEFAULT_CONFIRM_DAYS
    after = int(zones.days_after_local(now(), days, zone(org_id, performance_id)).timestamp())
    return min(after, request_deadline(org_id, performance_id))


def valid_lines(lines: list[LineIn]) -> list[LineIn]:
    if not lines or any(line.quantity < 1 for line in lines):
        raise InvalidInput("Grant at least one place per line", {"field": "lines"})
    if len({(line.category_id, line.quota_id) for line in lines}) != len(lines):
        raise InvalidInput("One line per seat category and quota", {"field": "lines"})
    return lines
