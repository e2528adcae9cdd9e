"""Back-office routes of the organisation's own settings: its default time zone."""

from __future__ import annotations

from pydantic import Field, field_validator

from chalicelib.api.routing import ANY_OPERATOR, Api, Body, Out
from chalicelib.auth.model import OperatorCaller, Right
from chalicelib.catalog import organisation, zones

api = Api(__name__, tag="back-office: organisation")
blueprint = api.blueprint

PATH = "/backoffice/organisation/time-zone"


class TimeZoneOut(Out):
    timezone: str = Field(description="The organisation's IANA time zone (Europe/Paris until one is set)")
    version: int | None = Field(description="Send it back as ?version= to refuse a concurrent change")


class TimeZoneIn(Body):
    timezone: str = Field(
        max_length=64,
        description="IANA time zone: the default of a new venue, and the zone of times tied to no venue "
        "(order and email days, queue, scans, runs, outbox)",
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return zones.check_zone(value)


class VersionQuery(Body):
    version: int | None = Field(default=None, ge=1, description="Refuse the change unless it is current")


def _out(found: organisation.OrganisationSettings) -> TimeZoneOut:
    return TimeZoneOut(timezone=found.timezone, version=found.version)


# Every operator reads it: every screen that shows a time tied to no venue needs it.
@api.route(PATH, summary="The organisation's time zone", auth=ANY_OPERATOR, response=TimeZoneOut)
def get_time_zone(caller: OperatorCaller) -> TimeZoneOut:
    return _out(organisation.settings(caller.org_id))


@api.route(
    PATH,
    "PUT",
    summary="Set the organisation's time zone (new venues' default; times tied to no venue)",
    auth=Right("catalog", "modify"),
    body=TimeZoneIn,
    query=VersionQuery,
    response=TimeZoneOut,
)
def put_time_zone(caller: OperatorCaller, body: TimeZoneIn, query: VersionQuery) -> TimeZoneOut:
    return _out(organisation.set_time_zone(caller.org_id, body.timezone, query.version))
