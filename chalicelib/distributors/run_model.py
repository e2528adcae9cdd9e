"""Runs of an interface's functions as plain rules: what a run is asked (its parameters, the window of
performances it takes), its statuses, and how batch outcomes add up to the run's counts and errors."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from chalicelib.distributors.model import Ref


class Function(StrEnum):
    ALLOTMENT_EXPORT = "allotment_export"
    SALES_REINTEGRATION = "sales_reintegration"
    COUNTS = "counts"


class RunStatus(StrEnum):
    QUEUED = "queued"  # recorded, its execution not begun yet
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    PARTLY_FAILED = "partly_failed"  # some records or batches failed, the rest went through
    FAILED = "failed"
    SKIPPED = "skipped"  # a scheduled start while a run of the function was on


LIVE = (RunStatus.QUEUED, RunStatus.RUNNING)
IN_ERROR = (RunStatus.FAILED, RunStatus.PARTLY_FAILED)
CATEGORIES = ("external", "technical", "mapping")
MAX_ERRORS = 50  # errors a run keeps (the first ones); the counts by category count them all
MAX_BATCH_ERRORS = 20  # errors a batch keeps
# The size of a batch when none is given: performances (export, counts) or sale lines (reintegration).
DEFAULT_BATCH_SIZE = {Function.ALLOTMENT_EXPORT: 20, Function.SALES_REINTEGRATION: 500, Function.COUNTS: 50}
MAX_PULLS = 20  # pull batches of one reintegration run; the next run takes the rest
COUNT_NAMES = (
    "performances",
    "places",
    "released_performances",
    "released_seats",
    "read",
    "integrated",
    "already_integrated",
    "cancelled",
    "failed",
    "counts_read",
)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class Window(_In):
    """Which performances a run takes, by their start: between two dates, or from `days_before` a
    performance until `days_after` it (so a run today takes those starting from today - days_after
    to today + days_before)."""

    from_date: date | None = Field(default=None, description="Performances starting on or after this day")
    to_date: date | None = Field(default=None, description="Performances starting on or before this day")
    days_before: int | None = Field(default=None, ge=0, le=3650)
    days_after: int | None = Field(default=None, ge=0, le=3650)

    @model_validator(mode="after")
    def _one_kind(self) -> Window:
        absolute = self.from_date is not None or self.to_date is not None
        relative = self.days_before is not None or self.days_after is not None
        if absolute and relative:
            raise ValueError("give dates (from_date, to_date) or days (days_before, days_after), not both")
        if self.from_date and self.to_date and self.to_date < self.from_date:
            raise ValueError("to_date is before from_date")
        return self

    def takes(self, starts_at: datetime, now: datetime) -> bool:
        day = starts_at.date()
        if self.from_date and day < self.from_date:
            return False
        if self.to_date and day > self.to_date:
            return False
        if self.days_before is not None and starts_at > now + timedelta(days=self.days_before):
            return False
        return not (self.days_after is not None and starts_at < now - timedelta(days=self.days_after))


class RunParameters(_In):
    """What a run takes; omitted: every performance the interface's quota has on sale (export, counts),
    every sale the distributor has for us (reintegration)."""

    performance_ids: list[Ref] | None = Field(default=None, max_length=500)
    event_id: Ref | None = None
    window: Window | None = None
    batch_size: int | None = Field(default=None, ge=1, le=1000)
    file_key: str | None = Field(
        default=None, min_length=1, max_length=500, description="Reintegration: a sales file in the bucket"
    )

    def size(self, function: Function) -> int:
        return self.batch_size or DEFAULT_BATCH_SIZE[function]


@dataclass
class Run:
    org_id: str
    run_id: str
    interface_id: str
    function: Function
    parameters: dict[str, Any]
    status: RunStatus
    queued_at: datetime
    by: str
    trigger: str = "manual"  # manual | schedule | again
    schedule_id: str | None = None
    again_of: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    execution_arn: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    errors_by_category: dict[str, int] = field(default_factory=dict)
    first_error: dict[str, Any] | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    batches: dict[str, int] = field(default_factory=dict)  # total, failed
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "interface_id": self.interface_id,
            "function": self.function.value,
            "parameters": self.parameters,
            "status": self.status.value,
            "trigger": self.trigger,
            "schedule_id": self.schedule_id,
            "again_of": self.again_of,
            "by": self.by,
            "queued_at": self.queued_at.isoformat(),
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "execution_arn": self.execution_arn,
            "counts": self.counts,
            "errors_by_category": self.errors_by_category,
            "first_error": self.first_error,
            "errors": self.errors,
            "batches": self.batches,
            "note": self.note,
        }


def new_run_id(moment: datetime) -> str:
    """Sortable by time: the newest run has the greatest id."""
    return f"{moment:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}"


def categorized(error: dict[str, Any]) -> dict[str, Any]:
    """An error as a run keeps it: its category one of the three (technical when unknown), cut short."""
    category = error.get("category") if error.get("category") in CATEGORIES else "technical"
    kept = {key: value for key, value in error.items() if isinstance(value, str | int | float | bool)}
    kept["category"] = category
    kept["message"] = str(error.get("message") or "")[:500]
    return kept


@dataclass
class BatchOutcome:
    """What one batch did: its counts, its errors (the first few kept, all counted), whether it failed
    as a whole (a batch a Catch ended, an export the distributor refused)."""

    counts: dict[str, int] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    errors_by_category: dict[str, int] = field(default_factory=dict)
    failed: bool = False
    done: bool = False  # a pull batch: nothing more to pull

    @classmethod
    def of(
        cls, counts: dict[str, Any], errors: list[dict[str, Any]], failed: bool = False, done: bool = False
    ):
        outcome = cls(failed=failed, done=done)
        outcome.counts = {k: int(v) for k, v in counts.items() if k in COUNT_NAMES and isinstance(v, int)}
        for error in errors:
            kept = categorized(error)
            outcome.errors_by_category[kept["category"]] = (
                outcome.errors_by_category.get(kept["category"], 0) + 1
            )
            if len(outcome.errors) < MAX_BATCH_ERRORS:
                outcome.errors.append(kept)
        return outcome

    def as_dict(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "errors": self.errors,
            "errors_by_category": self.errors_by_category,
            "failed": self.failed,
            "done": self.done,
        }


@dataclass
class Summary:
    counts: dict[str, int]
    errors: list[dict[str, Any]]
    errors_by_category: dict[str, int]
    batches: dict[str, int]
    status: RunStatus


def summed(outcomes: list[dict[str, Any]]) -> Summary:
    """The run's counts and errors from its batches' outcomes (in batch order), and its final status:
    succeeded without errors, failed when every batch failed, partly failed otherwise."""
    counts: dict[str, int] = {}
    errors: list[dict[str, Any]] = []
    by_category: dict[str, int] = {}
    failed = total = 0
    for outcome in outcomes:
        for name, value in (outcome.get("counts") or {}).items():
            counts[name] = counts.get(name, 0) + int(value)
        for category, value in (outcome.get("errors_by_category") or {}).items():
            by_category[category] = by_category.get(category, 0) + int(value)
        for error in outcome.get("errors") or []:
            if len(errors) < MAX_ERRORS:
                errors.append(error)
        # a step before the batches (the release) and a pull not needed (nothing more) are no batches
        if not outcome.get("step") and not outcome.get("skipped"):
            total += 1
            failed += 1 if outcome.get("failed") else 0
    if not by_category and not failed:
        status = RunStatus.SUCCEEDED
    elif total and failed == total:
        status = RunStatus.FAILED
    else:
        status = RunStatus.PARTLY_FAILED
    return Summary(counts, errors, by_category, {"total": total, "failed": failed}, status)
