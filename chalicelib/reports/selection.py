"""Which performances and days a report covers: filters checked against the catalog, with names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from chalicelib import clock
from chalicelib.catalog import service as catalog
from chalicelib.catalog import zones
from chalicelib.errors import InvalidInput, NotFound

# A report by day reads one partition per month and shard: a little over a year at most.
MAX_DAYS = 400
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Filters:
    season_id: str | None = None
    event_id: str | None = None
    performance_id: str | None = None
    day_from: date | None = None
    day_to: date | None = None

    @property
    def narrows_performances(self) -> bool:
        return bool(self.season_id or self.event_id or self.performance_id)


@dataclass(frozen=True)
class Performance:
    performance_id: str
    event_id: str
    event_name: str
    starts_at: str  # UTC, so that starts compare as text
    hall_id: str
    timezone: str = zones.DEFAULT_ZONE  # the venue's

    @property
    def starts_at_local(self) -> str:
        """The start on the venue's clock with its offset: "2026-12-12T20:00:00+01:00"."""
        return zones.local_iso(self.starts_at, self.timezone)

    @property
    def label(self) -> str:
        """ "Cyrano, 2026-12-12 20:00 +01:00": the venue's local time, with its offset."""
        return f"{self.event_name}, {zones.local_stamp(self.starts_at, self.timezone)}"


def today(org_id: str) -> date:
    """Today on the organisation's clock: its reports' days are its own calendar days."""
    from chalicelib.catalog import organisation

    return clock.now().astimezone(ZoneInfo(organisation.time_zone(org_id))).date()


def days(filters: Filters, org_id: str, default_days: int = DEFAULT_DAYS) -> tuple[date, date]:
    """The day range asked for; without one, the last `default_days` days to the organisation's today."""
    last = filters.day_to or today(org_id)
    first = filters.day_from or last - timedelta(days=default_days - 1)
    if first > last:
        raise InvalidInput("day_from must not be after day_to", {"field": "day_from", "value": str(first)})
    if (last - first).days >= MAX_DAYS:
        raise InvalidInput(
            f"A report covers at most {MAX_DAYS} days", {"field": "day_from", "max_days": MAX_DAYS}
        )
    return first, last


def months(first: date, last: date) -> list[str]:
    found, day = [], first.replace(day=1)
    while day <= last:
        found.append(day.strftime("%Y-%m"))
        day = (day + timedelta(days=32)).replace(day=1)
    return found


def _must_exist(org_id: str, kind: str, item_id: str, field: str):
    try:
        return catalog.get(org_id, kind, item_id)
    except NotFound:
        raise InvalidInput(
            f"No {kind.replace('_', ' ')} {item_id}", {"field": field, "value": item_id}
        ) from None


def performances(org_id: str, filters: Filters) -> list[Performance]:
    """The performances the filters name (all of the organisation without one), by start time."""
    events = {e.id: e for e in catalog.all_items(org_id, "event")}
    if filters.season_id:
        _must_exist(org_id, "season", filters.season_id, "season_id")
    if filters.event_id:
        event = _must_exist(org_id, "event", filters.event_id, "event_id")
        if filters.season_id and event.data.get("season_id") != filters.season_id:
            raise InvalidInput("This event is not of this season", {"field": "event_id", "value": event.id})
    if filters.performance_id:
        found = [_must_exist(org_id, "performance", filters.performance_id, "performance_id")]
    elif filters.event_id:
        found = catalog.all_items(org_id, "performance", event_id=filters.event_id)
    else:
        found = catalog.all_items(org_id, "performance")
    zone_of_hall = catalog.hall_zones(org_id)
    chosen = []
    for item in found:
        event = events.get(item.data["event_id"])
        if event is None:
            continue
        if filters.event_id and event.id != filters.event_id:
            raise InvalidInput(
                "This performance is not of this event", {"field": "performance_id", "value": item.id}
            )
        if filters.season_id and event.data.get("season_id") != filters.season_id:
            if filters.performance_id:
                raise InvalidInput(
                    "This performance is not of this season", {"field": "performance_id", "value": item.id}
                )
            continue
        starts, hall_id = _utc(item.data["starts_at"]), item.data.get("hall_id", "")
        zone = zone_of_hall.get(hall_id, zones.DEFAULT_ZONE)
        chosen.append(Performance(item.id, event.id, event.data["name"], starts, hall_id, zone))
    return sorted(chosen, key=lambda p: (p.starts_at, p.performance_id))


def _utc(value: object) -> str:
    """A start time as UTC ISO text, so that times of any offset compare as text."""
    moment = (
        value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    )
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def names(org_id: str, kind: str, attribute: str = "name") -> dict[str, str]:
    """Names of a small catalog kind by id (seat categories, audience subcategories, channels)."""
    return {item.id: str(item.data.get(attribute) or item.id) for item in catalog.all_items(org_id, kind)}


def channel_types(org_id: str) -> dict[str, str]:
    return {item.id: str(item.data.get("type")) for item in catalog.all_items(org_id, "sales_channel")}
