"""A venue's time zone: instants shown in its local time, and deadlines kept at their local wall time."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# The zone of a venue that names none: the organisations we serve and the demo theatre are in France,
# and a venue stored before venues had a zone reads as this one too (the same as a new venue's default).
DEFAULT_ZONE = "Europe/Paris"
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@lru_cache(maxsize=64)
def zone_info(name: str) -> ZoneInfo:
    """The IANA zone `name`; ValueError when there is none of that name."""
    if not name or name != name.strip() or name.startswith(("/", ".")) or ".." in name:
        raise ValueError(f"{name!r} is not an IANA time zone (e.g. Europe/Paris)")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"{name!r} is not an IANA time zone (e.g. Europe/Paris)") from None


def check_zone(name: str) -> str:
    zone_info(name)
    return name


def zone_of_venue(data: Mapping[str, Any]) -> str:
    """The zone of a venue's stored data; a venue stored without one is in DEFAULT_ZONE."""
    return data.get("timezone") or DEFAULT_ZONE


def local_start(starts_at: datetime | str | int | float, venue: Mapping[str, Any] | None) -> tuple[str, str]:
    """(the venue's zone, the start on its clock with its offset): what the shop and the back office
    answer beside `starts_at` as `timezone` and `starts_at_local`. No venue: DEFAULT_ZONE."""
    zone = zone_of_venue(venue) if venue is not None else DEFAULT_ZONE
    return zone, local_iso(starts_at, zone)


def zone_of_performance(performance: Mapping[str, Any], read: Callable[[str, str], Mapping[str, Any]]) -> str:
    """The zone of a performance's venue, through its hall; `read(kind, id)` gives an item's data."""
    hall = read("hall", performance["hall_id"])
    return zone_of_venue(read("venue", hall["venue_id"]))


def instant(moment: datetime | str | int | float) -> datetime:
    """An aware datetime from a datetime, ISO text or epoch seconds; no offset means UTC."""
    if isinstance(moment, int | float):
        return datetime.fromtimestamp(moment, tz=UTC)
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def local(moment: datetime | str | int | float, zone: str) -> datetime:
    """The instant as the venue's wall clock reads it (an aware datetime in `zone`)."""
    return instant(moment).astimezone(zone_info(zone))


def local_iso(moment: datetime | str | int | float, zone: str) -> str:
    """ISO 8601 with the local offset, to the second: "2026-12-12T20:00:00+01:00"."""
    return local(moment, zone).isoformat(timespec="seconds")


def local_stamp(moment: datetime | str | int | float, zone: str) -> str:
    """For a report's cell, sortable within one zone: "2026-12-12 20:00 +01:00"."""
    at = local(moment, zone)
    offset = at.isoformat()[19:] or "+00:00"
    return f"{at:%Y-%m-%d %H:%M} {offset}"


def local_text(moment: datetime | str | int | float, zone: str) -> str:
    """For a reader: "Sat 12 Dec 2026, 20:00 (Europe/Paris)"."""
    at = local(moment, zone)
    return f"{_DAYS[at.weekday()]} {at.day} {_MONTHS[at.month - 1]} {at.year}, {at:%H:%M} ({zone})"


def local_date(moment: datetime | str | int | float, zone: str) -> date:
    """The venue's calendar day at that instant."""
    return local(moment, zone).date()


def at_wall_time(day: date, wall: time, zone: str) -> datetime:
    """The instant the venue's clocks read `wall` on `day`, in UTC. A wall time skipped by a spring
    change counts as the instant after the skip; one repeated in autumn, its first occurrence."""
    naive = datetime.combine(day, wall.replace(tzinfo=None))
    return naive.replace(tzinfo=zone_info(zone), fold=0).astimezone(UTC)


def end_of_local_day(day: date, zone: str) -> datetime:
    """The last second of `day` at the venue (23:59:59 local), in UTC."""
    return at_wall_time(day, time(23, 59, 59), zone)


def days_before_local(starts_at: datetime | str | int | float, days: int, zone: str) -> datetime:
    """`days` days before the performance at the same local wall time, across a daylight-saving change
    (a 20:00 performance, 10 days before: 20:00 local that day, whatever the offset was), in UTC."""
    start = local(starts_at, zone)
    return at_wall_time(start.date() - timedelta(days=days), start.time(), zone)


def days_after_local(moment: datetime | str | int | float, days: int, zone: str) -> datetime:
    """`days` days after an action at the same local wall time (see `days_before_local`), in UTC."""
    at = local(moment, zone)
    return at_wall_time(at.date() + timedelta(days=days), at.time(), zone)


def end_of_local_day_after(moment: datetime | str | int | float, days: int, zone: str) -> datetime:
    """The end of the venue's day `days` days after the venue's day at `moment` (23:59:59 local), in
    UTC: "payable within 3 days" from a Monday evening in Paris ends Thursday 23:59:59 Paris time."""
    return end_of_local_day(local_date(moment, zone) + timedelta(days=days), zone)


def local_days_span(first: date, last: date, zone: str) -> tuple[datetime, datetime]:
    """The instants (UTC) from `first`'s midnight to the midnight after `last` on the zone's clock."""
    return at_wall_time(first, time(0), zone), at_wall_time(last + timedelta(days=1), time(0), zone)
