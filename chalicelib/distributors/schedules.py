"""Schedules of an interface's functions: how often, from when, which performances (a window, an event,
some performances), the batch size, a file to take, enabled or not. Kept in the catalog table and
mirrored to EventBridge Scheduler (group `<table prefix>distributors`), whose schedule starts the
`distributor-run` state machine with an input naming the schedule; the run's Begin reads the schedule.

Keys: DSCHEDULES#<org>, SCHEDULE#<interface>#<schedule_id>."""

from __future__ import annotations

import contextlib
import functools
import json
import secrets as random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DeleteError, DoesNotExist, PutError

from chalicelib import clock
from chalicelib.config import settings
from chalicelib.db.catalog import CatalogTable
from chalicelib.db.conditions import store_errors
from chalicelib.distributors.run_model import Function, RunParameters, Window
from chalicelib.errors import NotFound, VersionConflict

GROUP_SUFFIX = "distributors"
UNIT_SECONDS = {"minutes": 60, "hours": 3600, "days": 86400}
SCHEDULE_RETRIES = 3
CONDITION_FAILED = "ConditionalCheckFailedException"


class ScheduleSpec(BaseModel):
    """One schedule: `function` every `every` `unit`, first at `next_start` (rolled forward to the next
    time to come when past; omitted: one period from now), with a run's parameters."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    function: Function
    name: Annotated[str, Field(max_length=200)] = ""
    every: int = Field(ge=1, le=1000, description="How many units between two runs")
    unit: Literal["minutes", "hours", "days"]
    next_start: datetime | None = Field(default=None, description="The first run (UTC when no offset)")
    window: Window | None = None
    batch_size: int | None = Field(default=None, ge=1, le=1000)
    event_id: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    performance_ids: list[Annotated[str, Field(min_length=1, max_length=64)]] | None = Field(
        default=None, max_length=500
    )
    file_key: str | None = Field(default=None, min_length=1, max_length=500)
    enabled: bool = True

    @property
    def period(self) -> timedelta:
        return timedelta(seconds=self.every * UNIT_SECONDS[self.unit])


@dataclass
class Schedule:
    org_id: str
    interface_id: str
    schedule_id: str
    version: int
    spec: ScheduleSpec
    next_start: datetime
    created_at: datetime
    updated_at: datetime

    @property
    def function(self) -> Function:
        return self.spec.function

    @property
    def enabled(self) -> bool:
        return self.spec.enabled

    @property
    def name(self) -> str:
        """Its name in EventBridge Scheduler (1 to 64 of [0-9a-zA-Z-_.])."""
        return f"{self.interface_id}-{self.schedule_id}"

    def parameters(self) -> RunParameters:
        return RunParameters(
            performance_ids=self.spec.performance_ids,
            event_id=self.spec.event_id,
            window=self.spec.window,
            batch_size=self.spec.batch_size,
            file_key=self.spec.file_key,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.spec.model_dump(mode="json"),
            "next_start": self.next_start.isoformat(),
            "id": self.schedule_id,
            "interface_id": self.interface_id,
            "version": self.version,
            "expression": expression(self.spec),
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


class ScheduleItem(CatalogTable):
    interface_id = UnicodeAttribute()
    schedule_id = UnicodeAttribute()
    version = NumberAttribute()
    spec = JSONAttribute()
    next_start = UTCDateTimeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()


def _pk(org_id: str) -> str:
    return f"DSCHEDULES#{org_id}"


def _sk(interface_id: str, schedule_id: str = "") -> str:
    return f"SCHEDULE#{interface_id}#{schedule_id}"


def expression(spec: ScheduleSpec) -> str:
    unit = spec.unit if spec.every > 1 else spec.unit.removesuffix("s")
    return f"rate({spec.every} {unit})"


def next_start(spec: ScheduleSpec, now: datetime) -> datetime:
    """The first run to come: `next_start` moved on by whole periods while it is past."""
    if spec.next_start is None:
        return now + spec.period
    start = spec.next_start if spec.next_start.tzinfo else spec.next_start.replace(tzinfo=now.tzinfo)
    if start <= now:
        start += spec.period * ((now - start) // spec.period + 1)
    return start


def _schedule(org_id: str, item: ScheduleItem) -> Schedule:
    return Schedule(
        org_id=org_id,
        interface_id=item.interface_id,
        schedule_id=item.schedule_id,
        version=int(item.version),
        spec=ScheduleSpec.model_validate(item.spec),
        next_start=item.next_start,
        created_at=item.created_at,
        updated_at=item.updated_at,
    )


def _item(schedule: Schedule) -> ScheduleItem:
    return ScheduleItem(
        _pk(schedule.org_id),
        _sk(schedule.interface_id, schedule.schedule_id),
        interface_id=schedule.interface_id,
        schedule_id=schedule.schedule_id,
        version=schedule.version,
        spec=schedule.spec.model_dump(mode="json"),
        next_start=schedule.next_start,
        created_at=schedule.created_at,
        updated_at=schedule.updated_at,
    )


# --- EventBridge Scheduler ---------------------------------------------------------------------------


@functools.cache
def _client(region: str, endpoint: str | None) -> Any:
    import boto3  # on first use

    return boto3.client("scheduler", region_name=region, endpoint_url=endpoint)


def scheduler() -> Any:
    current = settings()
    return _client(current.region, current.aws_endpoint)


def group_name() -> str:
    return settings().table_prefix + GROUP_SUFFIX


def role_arn() -> str:
    """The role EventBridge Scheduler starts executions with (GUICHET_SCHEDULER_ROLE_ARN); locally any."""
    import os

    configured = getattr(settings(), "scheduler_role_arn", None) or os.environ.get(
        "GUICHET_SCHEDULER_ROLE_ARN"
    )
    return configured or f"arn:aws:iam::123456789012:role/{settings().table_prefix}scheduler"


def _ensure_group(client: Any) -> None:
    try:
        client.get_schedule_group(Name=group_name())
    except client.exceptions.ResourceNotFoundException:
        client.create_schedule_group(Name=group_name())


def target(schedule: Schedule) -> dict[str, Any]:
    found = {
        "Arn": settings().state_machine_arn_prefix + "distributor-run",
        "RoleArn": role_arn(),
        "Input": json.dumps(
            {
                "org_id": schedule.org_id,
                "interface_id": schedule.interface_id,
                "schedule_id": schedule.schedule_id,
            }
        ),
        # a start older than the period is overtaken by the next one
        "RetryPolicy": {
            "MaximumEventAgeInSeconds": int(min(86400, max(60, schedule.spec.period.total_seconds()))),
            "MaximumRetryAttempts": SCHEDULE_RETRIES,
        },
    }
    if settings().schedule_dead_letters_arn:  # a start that failed every retry waits there, alarmed
        found["DeadLetterConfig"] = {"Arn": settings().schedule_dead_letters_arn}
    return found


def _mirror(schedule: Schedule, create: bool) -> None:
    client = scheduler()
    arguments = {
        "Name": schedule.name,
        "GroupName": group_name(),
        "ScheduleExpression": expression(schedule.spec),
        "StartDate": schedule.next_start,
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "State": "ENABLED" if schedule.enabled else "DISABLED",
        "Target": target(schedule),
        "Description": f"{schedule.function.value} of distributor interface {schedule.interface_id}"[:512],
    }
    if create:
        _ensure_group(client)
        client.create_schedule(**arguments)
    else:
        try:
            client.update_schedule(**arguments)
        except client.exceptions.ResourceNotFoundException:
            _ensure_group(client)
            client.create_schedule(**arguments)


def _unmirror(schedule: Schedule) -> None:
    client = scheduler()
    with contextlib.suppress(client.exceptions.ResourceNotFoundException):
        client.delete_schedule(Name=schedule.name, GroupName=group_name())


# --- the schedules ----------------------------------------------------------------------------------


def _check(org_id: str, interface_id: str, spec: ScheduleSpec) -> None:
    from chalicelib.distributors import runs, service

    interface = service.get_interface(org_id, interface_id)
    params = RunParameters(
        performance_ids=spec.performance_ids,
        event_id=spec.event_id,
        window=spec.window,
        file_key=spec.file_key,
    )
    runs.check_runnable(org_id, interface, spec.function, params)


def create(org_id: str, interface_id: str, spec: ScheduleSpec) -> Schedule:
    _check(org_id, interface_id, spec)
    now = clock.now()
    schedule = Schedule(org_id, interface_id, random.token_hex(8), 1, spec, next_start(spec, now), now, now)
    _save(schedule, None)
    try:
        _mirror(schedule, create=True)
    except Exception:
        _delete(schedule, schedule.version)
        raise
    return schedule


def replace(
    org_id: str, interface_id: str, schedule_id: str, spec: ScheduleSpec, version: int | None
) -> Schedule:
    current = get(org_id, interface_id, schedule_id)
    expected = current.version if version is None else version
    _check(org_id, interface_id, spec)
    now = clock.now()
    changed = Schedule(
        org_id, interface_id, schedule_id, expected + 1, spec, next_start(spec, now), current.created_at, now
    )
    _save(changed, expected)
    _mirror(changed, create=False)
    return changed


def delete(org_id: str, interface_id: str, schedule_id: str, version: int | None) -> None:
    current = get(org_id, interface_id, schedule_id)
    _delete(current, current.version if version is None else version)
    _unmirror(current)


@store_errors
def _save(schedule: Schedule, expected: int | None) -> None:
    condition = ScheduleItem.pk.does_not_exist() if expected is None else ScheduleItem.version == expected
    try:
        _item(schedule).save(condition=condition)
    except PutError as exc:
        if exc.cause_response_code == CONDITION_FAILED:
            raise VersionConflict("The schedule changed since you read it; read it again", {}) from exc
        raise


@store_errors
def _delete(schedule: Schedule, expected: int) -> None:
    try:
        _item(schedule).delete(condition=ScheduleItem.version == expected)
    except DeleteError as exc:
        if exc.cause_response_code == CONDITION_FAILED:
            raise VersionConflict("The schedule changed since you read it; read it again", {}) from exc
        raise


@store_errors
def get(org_id: str, interface_id: str, schedule_id: str) -> Schedule:
    try:
        return _schedule(
            org_id, ScheduleItem.get(_pk(org_id), _sk(interface_id, schedule_id), consistent_read=True)
        )
    except DoesNotExist:
        raise NotFound(f"No schedule {schedule_id}", {"schedule_id": schedule_id}) from None


@store_errors
def list_schedules(org_id: str, interface_id: str | None = None) -> list[Schedule]:
    prefix = _sk(interface_id) if interface_id else "SCHEDULE#"
    query = ScheduleItem.query(_pk(org_id), ScheduleItem.sk.startswith(prefix))
    return [_schedule(org_id, item) for item in query]


def delete_for_interface(org_id: str, interface_id: str) -> int:
    """Every schedule of an interface (the interface is deleted): how many."""
    found = list_schedules(org_id, interface_id)
    for schedule in found:
        _delete(schedule, schedule.version)
        _unmirror(schedule)
    return len(found)
