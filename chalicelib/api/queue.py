"""Virtual queue routes: operators put a performance or event behind a queue; buyers join and poll.

The blueprint's middleware (Chalice applies a blueprint's middleware to the whole app) hands each
request's X-Queue-Admission header and API Gateway's source IP to the queue's gate, which the hold
path checks; the IP is API Gateway's own (requestContext.identity), never a client's header.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field

from chalicelib.api.routing import PUBLIC, Api, Body, Out
from chalicelib.auth import client as clients
from chalicelib.auth import service as auth
from chalicelib.auth.model import OperatorCaller, Right
from chalicelib.queue import service as queues
from chalicelib.queue.model import Queue, TargetKind

api = Api(__name__, tag="queues")
blueprint = api.blueprint

READ, CREATE, MODIFY = (Right("queues", a) for a in ("read", "create", "modify"))
ADMISSION_HEADER = "x-queue-admission"
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
Rate = Annotated[int, Field(ge=0, le=100_000, strict=True, description="Buyers admitted per minute")]
Minutes = Annotated[int, Field(ge=1, le=240, strict=True, description="How long an admission lasts")]


def source_ip(event) -> str:
    """The address API Gateway saw, read the one way every per-client rule reads it (auth/client.py)."""
    return clients.of_event(event).ip


@blueprint.middleware("http")
def present_queue_admission(event, get_response):
    token = queues.present((event.headers or {}).get(ADMISSION_HEADER), source_ip(event))
    try:
        return get_response(event)
    finally:
        queues.forget(token)


class QueueIn(Body):
    target_kind: Literal["performance", "event"]
    target_id: Id
    opens_at: AwareDatetime = Field(description="When admission starts; earlier arrivals are drawn")
    rate_per_minute: Rate
    admission_minutes: Minutes = 15


class QueueChangeIn(Body):
    opens_at: AwareDatetime | None = Field(default=None, description="Only before the opening")
    rate_per_minute: Rate | None = None
    admission_minutes: Minutes | None = None
    status: Literal["active", "stopped"] | None = Field(
        default=None, description="stopped: holds need no admission any more"
    )


class MinuteOut(Out):
    minute: datetime
    admitted: int
    arrivals: int
    waiting: int


class QueueOut(Out):
    queue_id: str
    target_kind: str
    target_id: str
    status: str
    opens_at: datetime
    rate_per_minute: int
    admission_minutes: int
    drawn: bool = Field(description="The early arrivals' order has been drawn (after the opening)")
    early_arrivals: int | None = Field(description="Arrivals before the opening (after the draw)")
    admitted: int
    waiting: int = Field(description="Counted arrivals not admitted yet (the last minute's arrivals aside)")


class QueueStateOut(QueueOut):
    history: list[MinuteOut] = Field(description="One row per admitter run, oldest first")


def _moment(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


def queue_out(queue: Queue) -> QueueOut:
    return QueueOut(
        queue_id=queue.queue_id,
        target_kind=queue.kind.value,
        target_id=queue.target_id,
        status=queue.status.value,
        opens_at=_moment(queue.opens_at),
        rate_per_minute=queue.rate_per_minute,
        admission_minutes=queue.admission_minutes,
        drawn=queue.drawn,
        early_arrivals=queue.early_total if queue.drawn else None,
        admitted=queue.admitted,
        waiting=queue.waiting,
    )


@api.route("/backoffice/queues", summary="Virtual queues", auth=READ, response=list[QueueOut])
def list_queues(caller: OperatorCaller) -> list[QueueOut]:
    return [queue_out(q) for q in queues.list_queues(caller.org_id)]


@api.route(
    "/backoffice/queues",
    "POST",
    summary="Put a performance or an event behind a virtual queue",
    auth=CREATE,
    body=QueueIn,
    response=QueueOut,
    status=201,
)
def create_queue(caller: OperatorCaller, body: QueueIn) -> QueueOut:
    queue = queues.create_queue(
        caller.org_id,
        TargetKind(body.target_kind),
        body.target_id,
        int(body.opens_at.timestamp()),
        body.rate_per_minute,
        body.admission_minutes,
    )
    return queue_out(queue)


@api.route(
    "/backoffice/queues/{queue_id}",
    summary="A queue's state: waiting, admitted, and each minute's admissions",
    auth=READ,
    response=QueueStateOut,
)
def get_queue(caller: OperatorCaller, queue_id: str) -> QueueStateOut:
    queue = queues.get_queue(caller.org_id, queue_id)
    state = queue_out(queue).model_dump()
    state["early_arrivals"] = queues.early_arrivals(queue)
    history = [MinuteOut(**{**row, "minute": _moment(row["minute"] * 60)}) for row in queue.history]
    return QueueStateOut(**state, history=history)


@api.route(
    "/backoffice/queues/{queue_id}",
    "PATCH",
    summary="Change a queue live: its rate, admission window, opening time (before it), or stop it",
    auth=MODIFY,
    body=QueueChangeIn,
    response=QueueOut,
)
def change_queue(caller: OperatorCaller, queue_id: str, body: QueueChangeIn) -> QueueOut:
    changes = body.model_dump(exclude_none=True)
    if "opens_at" in changes:
        changes["opens_at"] = int(body.opens_at.timestamp())
    return queue_out(queues.change_queue(caller.org_id, queue_id, changes))


class EntryOut(Out):
    entry_id: str = Field(description="Poll GET .../queue/{entry_id} with it, from the same client")
    queue_id: str
    status: str = Field(description="waiting, admitted or expired")
    position: int | None = Field(description="1 = next; null before the opening draw")
    position_exact: bool = Field(description="false: estimated until the admitter counts the arrival")
    estimated_wait_seconds: int | None
    opens_at: datetime
    admission_token: str | None = Field(description="Send it as X-Queue-Admission when holding seats")
    admission_expires_at: datetime | None
    poll_after_seconds: int | None


def entry_out(view: queues.EntryView) -> EntryOut:
    expires = view.entry.admission_expires_at
    return EntryOut(
        entry_id=view.entry.entry_id,
        queue_id=view.queue.queue_id,
        status=view.status.value,
        position=view.position,
        position_exact=view.position_exact,
        estimated_wait_seconds=view.estimated_wait_seconds,
        opens_at=_moment(view.queue.opens_at),
        admission_token=view.admission_token,
        admission_expires_at=None if expires is None else _moment(expires),
        poll_after_seconds=view.poll_after_seconds,
    )


QUEUE = "/shop/{org_id}/performances/{performance_id}/queue"


@api.route(
    QUEUE,
    "POST",
    summary="Join the performance's queue (with a shopper or guest token, or none)",
    auth=PUBLIC,
    response=EntryOut,
    status=201,
)
def join_queue(_caller: None, org_id: str, performance_id: str) -> EntryOut:
    request = blueprint.current_request
    header = request.headers.get("authorization")
    buyer_id = auth.buyer_from_token(auth.bearer_token(header), org_id).buyer_id if header else None
    return entry_out(queues.join_queue(org_id, performance_id, source_ip(request), buyer_id))


@api.route(
    QUEUE + "/{entry_id}",
    summary="My place in the queue; once admitted, the admission token",
    auth=PUBLIC,
    response=EntryOut,
)
def poll_queue(_caller: None, org_id: str, performance_id: str, entry_id: str) -> EntryOut:
    client = source_ip(blueprint.current_request)
    return entry_out(queues.entry_status(org_id, performance_id, entry_id, client))
