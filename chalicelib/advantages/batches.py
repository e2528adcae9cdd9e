"""Batches of single-use codes: up to 1,000 generated in the request, up to 100,000 by the code-batches
workflow chunk by chunk (a chunk re-run resumes where it stopped, never doubling codes); their
progress, their codes as CSV, and the email that sends them to their contact."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib import clock
from chalicelib.advantages import batch_repository, code_repository, codes
from chalicelib.advantages.batch_model import (
    CHUNK_SIZE,
    FAILED,
    GENERATED,
    GENERATING,
    IN_REQUEST_MAX,
    READY,
    CodeBatch,
    check_batch_count,
    chunks,
    csv_of,
)
from chalicelib.advantages.code_repository import CODES_PER_TRANSACTION, ChunkMoved
from chalicelib.advantages.model import new_code
from chalicelib.errors import Conflict, InvalidInput, NotFound

if TYPE_CHECKING:
    from chalicelib.mail.service import Attachment

WORKFLOW = "code-batches"
# A chunk whose transactions keep colliding gives up; the workflow's Retry runs it again.
CHUNK_ATTEMPTS = 200


def generate(
    org_id: str, advantage_id: str, count: int, contact_id: str | None, by: str | None
) -> tuple[CodeBatch, list[str] | None]:
    """A new batch: up to 1,000 codes generated now (the batch ready, with its codes), more by the
    workflow (the batch generating, no codes yet)."""
    check_batch_count(count)
    if count <= IN_REQUEST_MAX:
        made = codes.generate_codes(org_id, advantage_id, count, contact_id, by)
        return get(org_id, advantage_id, made.batch_id), made.codes
    codes.codes_advantage(org_id, advantage_id)
    batch = codes.new_batch(org_id, advantage_id, GENERATED, count, contact_id, by)
    from chalicelib.runs import service as runs

    payload = {"org_id": org_id, "advantage_id": advantage_id, "batch_id": batch.batch_id}
    try:
        runs.start_workflow(WORKFLOW, payload, execution=f"batch-{org_id}-{batch.batch_id}"[:80])
    except Exception as exc:
        batch_repository.set_status(
            org_id, advantage_id, batch.batch_id, FAILED, "the workflow did not start"
        )
        code = (getattr(exc, "response", None) or {}).get("Error", {}).get("Code")
        if isinstance(exc, KeyError) or code == "StateMachineDoesNotExist":
            raise NotFound(
                f"The {WORKFLOW} workflow is not deployed on this stack", {"workflow": WORKFLOW}
            ) from None
        raise
    return batch, None


def get(org_id: str, advantage_id: str, batch_id: str) -> CodeBatch:
    return batch_repository.get(org_id, advantage_id, batch_id)


def list_batches(org_id: str, advantage_id: str) -> list[CodeBatch]:
    codes.advantage_of(org_id, advantage_id)  # 404 for an unknown advantage
    return batch_repository.read(org_id, advantage_id)


# The workflow's tasks.


def begin(org_id: str, advantage_id: str, batch_id: str) -> dict[str, Any]:
    batch = get(org_id, advantage_id, batch_id)
    if batch.status != GENERATING:
        raise Conflict("The batch is not generating", {"batch_id": batch_id, "status": batch.status})
    return {"chunks": chunks(batch.requested, CHUNK_SIZE), "contact_id": batch.contact_id}


def generate_chunk(
    org_id: str, advantage_id: str, batch_id: str, contact_id: str | None, index: int, size: int
) -> dict[str, int]:
    """Write chunk `index` of the batch until it holds `size` codes: a re-run (a retried task, two runs
    at once) reads what the chunk wrote and writes only the rest, on condition nobody else did."""
    written = code_repository.chunk_written(org_id, batch_id, index)
    at = clock.iso()
    for _ in range(CHUNK_ATTEMPTS):
        if written >= size:
            return {"index": index, "written": written}
        drawn = list({new_code() for _ in range(min(CODES_PER_TRANSACTION, size - written))})
        try:
            taken = code_repository.write_codes(
                org_id, advantage_id, drawn, batch_id, contact_id, at, progress=(index, written)
            )
        except ChunkMoved:
            written = code_repository.chunk_written(org_id, batch_id, index)
            continue
        if not taken:  # a code drawn twice in the organisation: nothing written, draw again
            written += len(drawn)
    raise Conflict("The chunk could not be written; run it again", {"index": index, "written": written})


def finish(org_id: str, advantage_id: str, batch_id: str) -> dict[str, Any]:
    """The batch is ready once it holds every code asked for."""
    batch = get(org_id, advantage_id, batch_id)
    if batch.counts.generated < batch.requested:
        raise Conflict(
            "The batch is missing codes", {"generated": batch.counts.generated, "requested": batch.requested}
        )
    batch_repository.set_status(org_id, advantage_id, batch_id, READY)
    return {"generated": batch.counts.generated, "status": READY}


def fail(org_id: str, advantage_id: str, batch_id: str, error: str) -> None:
    batch_repository.set_status(org_id, advantage_id, batch_id, FAILED, error)


# Where the codes go.


def codes_rows(org_id: str, advantage_id: str, batch_id: str) -> list[tuple[str, str, str | None]]:
    """Every code of the batch: (code, state as of now, contact), in code order."""
    get(org_id, advantage_id, batch_id)
    rows, after, now = [], None, clock.seconds()
    while True:
        items, after = code_repository.list_items(org_id, advantage_id, after, 5_000, None, batch_id)
        for item in items:
            code = code_repository.as_code(item)
            rows.append((code.code, str(code.state_at(now)), code.contact_id))
        if after is None:
            return rows


def codes_csv(org_id: str, advantage_id: str, batch_id: str) -> str:
    return csv_of(codes_rows(org_id, advantage_id, batch_id))


def send(org_id: str, advantage_id: str, batch_id: str, contact_id: str | None) -> CodeBatch:
    """Email the batch's codes (a CSV attachment) to a contact, by default the batch's; the batch
    records when and to whom, in the same write as the email's outbox item."""
    batch = get(org_id, advantage_id, batch_id)
    if batch.status != READY:
        raise Conflict("Only a ready batch is sent", {"batch_id": batch_id, "status": batch.status})
    contact_id = contact_id or batch.contact_id
    if not contact_id:
        raise InvalidInput("The batch has no contact: name one", {"field": "contact_id"})
    contact = _contact(org_id, contact_id)
    advantage = codes.advantage_of(org_id, advantage_id)
    from chalicelib.mail.service import email_effect

    effect = email_effect(
        org_id,
        contact["email"],
        f"Your codes for {advantage.public_name}",
        "\n".join(
            [
                f"Hello {contact.get('name') or ''},".replace(" ,", ","),
                "",
                f"Attached are {batch.counts.generated} single-use codes for {advantage.public_name}.",
                "Each code can be used once, in the shop or at the box office.",
            ]
        ),
        kind="code_list",
        reference=batch_id,
        document={
            "document": "code_list",
            "org_id": org_id,
            "advantage_id": advantage_id,
            "batch_id": batch_id,
        },
    )
    batch_repository.mark_sent(org_id, batch, contact_id, contact["email"], clock.iso(), effect)
    return get(org_id, advantage_id, batch_id)


def _contact(org_id: str, contact_id: str) -> dict[str, Any]:
    from chalicelib.catalog import service as catalog

    try:
        return catalog.get(org_id, "contact", contact_id).data
    except NotFound:
        raise InvalidInput("No such contact", {"field": "contact_id", "contact_id": contact_id}) from None


def codes_attachment(document: dict[str, Any]) -> Attachment:
    """The batch's codes as CSV, drawn by the outbox worker when the email goes."""
    from chalicelib.mail.service import Attachment

    rows = codes_rows(document["org_id"], document["advantage_id"], document["batch_id"])
    data = csv_of(rows).encode()
    return Attachment(f"codes-{document['batch_id']}.csv", "text/csv", data)
