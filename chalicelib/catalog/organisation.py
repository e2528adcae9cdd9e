"""The organisation's own settings: its default time zone, for new venues and times tied to no venue."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.catalog import repository, zones
from chalicelib.errors import NotFound

# Kept as one item beside the catalog (not a catalog kind: no list, no code, nothing references it),
# so that a change moves the catalog generation like any catalog write.
KIND = "organisation_settings"
ITEM = "settings"


@dataclass(frozen=True)
class OrganisationSettings:
    timezone: str  # IANA zone; DEFAULT_ZONE until the organisation sets one
    version: int | None  # None until first saved


def settings(org_id: str) -> OrganisationSettings:
    """The organisation's settings; an organisation that set none is in zones.DEFAULT_ZONE. Read as
    catalog items are (kept between requests while the catalog does not change)."""
    from chalicelib.catalog import service  # service imports this module

    try:
        stored = service.get(org_id, KIND, ITEM)
    except NotFound:
        return OrganisationSettings(zones.DEFAULT_ZONE, None)
    return OrganisationSettings(stored.data.get("timezone") or zones.DEFAULT_ZONE, stored.version)


def time_zone(org_id: str) -> str:
    """The organisation's default time zone."""
    return settings(org_id).timezone


def set_time_zone(org_id: str, zone: str, expected_version: int | None = None) -> OrganisationSettings:
    """Set the default time zone (a known IANA name); refused if `expected_version` is not current."""
    data = {"timezone": zones.check_zone(zone)}
    try:
        current = repository.get(org_id, KIND, ITEM)
    except NotFound:
        stored = repository.create(org_id, KIND, ITEM, data, {})
    else:
        stored = repository.replace(org_id, current, {**current.data, **data}, expected_version)
    return OrganisationSettings(stored.data["timezone"], stored.version)
