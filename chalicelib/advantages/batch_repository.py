"""Batches of single-use codes in DynamoDB: one item a batch and its counter shards, all in one
partition per organisation, so that one query reads every batch's figures."""

from __future__ import annotations

from pynamodb.exceptions import PutError

from chalicelib.advantages import counters
from chalicelib.advantages.batch_model import COUNTERS, CodeBatch, Counts
from chalicelib.db import advantages as keys
from chalicelib.db.advantages import CodeBatchItem
from chalicelib.db.conditions import CONDITION_FAILED, Write, store_errors, update_if
from chalicelib.db.outbox import OutboxItem
from chalicelib.errors import AlreadyExists, Conflict, NotFound
from chalicelib.outbox import repository as outbox
from chalicelib.outbox.model import Effect


@store_errors
def create(org_id: str, batch: CodeBatch) -> CodeBatch:
    item = CodeBatchItem(
        *keys.batch_key(org_id, batch.advantage_id, batch.batch_id),
        org_id=org_id,
        advantage_id=batch.advantage_id,
        batch_id=batch.batch_id,
        source=batch.source,
        contact_id=batch.contact_id,
        requested=batch.requested,
        status=batch.status,
        created_at=batch.created_at,
        created_by=batch.created_by,
    )
    try:
        item.save(condition=CodeBatchItem.pk.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code == CONDITION_FAILED:
            raise AlreadyExists("This batch exists already", {"batch_id": batch.batch_id}) from exc
        raise
    return batch


@store_errors
def read(org_id: str, advantage_id: str | None = None, batch_id: str | None = None) -> list[CodeBatch]:
    """Batches with their counters summed: every batch of the organisation, an advantage's, or one."""
    prefix = keys.batch_prefix(advantage_id, batch_id)
    query = CodeBatchItem.query(keys.batches_pk(org_id), CodeBatchItem.sk.startswith(prefix))
    found: dict[str, CodeBatch] = {}
    totals: dict[str, Counts] = {}
    for item in query:
        owner, _, shard = item.sk.rpartition("N#")
        if owner and shard.isdigit():
            counted = Counts(*(int(getattr(item, name) or 0) for name in COUNTERS))
            totals[owner] = totals.get(owner, Counts()) + counted
        else:
            found[item.sk] = _batch(item)
    return [
        CodeBatch(**{**batch.__dict__, "counts": totals.get(sk, Counts())})
        for sk, batch in sorted(found.items(), key=lambda kv: (kv[1].created_at or "", kv[0]))
    ]


def get(org_id: str, advantage_id: str, batch_id: str) -> CodeBatch:
    found = read(org_id, advantage_id, batch_id)
    if not found:
        raise NotFound("No such batch of codes", {"batch_id": batch_id})
    return found[0]


@store_errors
def set_status(org_id: str, advantage_id: str, batch_id: str, status: str, error: str | None = None) -> bool:
    """Move a batch that is still generating to ready or failed; False when it was no longer generating."""
    item = CodeBatchItem(*keys.batch_key(org_id, advantage_id, batch_id))
    actions = [CodeBatchItem.status.set(status)]
    if error:
        actions.append(CodeBatchItem.error.set(error[:500]))
    return update_if(item, actions, CodeBatchItem.status == "generating")


@store_errors
def mark_sent(org_id: str, batch: CodeBatch, contact_id: str, email: str, at: str, effect: Effect) -> None:
    """Record that the batch went to the contact, with the email's outbox item, all or nothing."""
    item = CodeBatchItem(*keys.batch_key(org_id, batch.advantage_id, batch.batch_id))
    actions = [
        CodeBatchItem.sent_at.set(at),
        CodeBatchItem.sent_to.set(contact_id),
        CodeBatchItem.sent_email.set(email),
    ]
    write = Write(item, actions, CodeBatchItem.status == "ready", {})
    failed = counters.transact([write], [(outbox.item_for(effect), OutboxItem.pk.does_not_exist())])
    if failed:
        raise Conflict("The batch is not ready to send", {"batch_id": batch.batch_id})


def _batch(item: CodeBatchItem) -> CodeBatch:
    return CodeBatch(
        batch_id=item.batch_id,
        advantage_id=item.advantage_id,
        source=item.source,
        requested=int(item.requested),
        status=item.status,
        contact_id=item.contact_id,
        created_at=item.created_at,
        created_by=item.created_by,
        sent_at=item.sent_at,
        sent_to=item.sent_to,
        sent_email=item.sent_email,
        error=item.error,
    )
