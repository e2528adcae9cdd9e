"""The single-use codes' dashboard: per advantage and batch, codes generated, sent, available, in carts,
used, scanned at the door and revoked, read from each batch's counters (one query, whatever the number
of codes), and the writes other contexts make so that the counters follow the codes.

The counters move in the same transaction as the code's conditional transition (codes.py), so they
equal the codes' states. `in_carts` counts codes whose stored state is "in a cart": a code whose cart
lapsed stays counted until it is claimed again (still in a cart), released, used or revoked."""

from __future__ import annotations

import secrets
from typing import Any

from chalicelib import clock
from chalicelib.advantages import batch_repository, code_repository, counters, repository
from chalicelib.advantages.batch_model import SHARDS, Counts
from chalicelib.advantages.model import normalise_code
from chalicelib.advantages.repository import ADVANTAGE
from chalicelib.db.conditions import Write
from chalicelib.outbox.model import CODE_SCANNED, Effect


def used_write(
    org_id: str, advantage_id: str, batch_id: str | None, *, from_cart: bool = True
) -> Write | None:
    """The counter update to add to the checkout transaction that uses a code of this batch (with
    checkout.use_code's write): one more used and, as the shop claims a code on the cart before
    checkout (`from_cart`), one fewer in carts. None for a code without a batch."""
    if not batch_id:
        return None
    return counters.count_write(
        org_id, advantage_id, batch_id, secrets.randbelow(SHARDS), used=1, in_carts=-1 if from_cart else 0
    )


def note_given_back(org_id: str, advantage_id: str, batch_id: str | None) -> None:
    """A code given back by a write of the caller's own (not codes.give_back_code, which counts it in
    its own transaction: call one or the other) is one fewer used."""
    if batch_id:
        write = counters.count_write(org_id, advantage_id, batch_id, secrets.randbelow(SHARDS), used=-1)
        counters.transact([write])


def scanned_effects(org_id: str, advantage_id: str, code: str) -> list[Effect]:
    """Outbox effects to write with a ticket's first admission when the ticket was bought with this
    code: their handler marks the code scanned, once, and counts it."""
    code = normalise_code(code)
    return [
        Effect(
            org_id=org_id,
            effect=CODE_SCANNED,
            kind="code_scanned",
            reference=code,
            payload={"advantage_id": advantage_id, "code": code},
        )
    ]


def code_scanned_effect(org_id: str, payload: dict[str, Any], item: Any = None) -> dict[str, Any]:
    """The outbox handler of CODE_SCANNED: a second admission or a re-run changes nothing."""
    marked = code_repository.mark_scanned(org_id, payload["advantage_id"], payload["code"], clock.iso())
    return {"note": "code scanned" if marked else "already scanned, or no longer used"}


def dashboard(
    org_id: str, season_id: str | None = None, contact_id: str | None = None, advantage_id: str | None = None
) -> dict[str, Any]:
    """Rows per advantage and batch, and their totals; reads the advantages (one query) and the batches'
    counters (one query), never the codes."""
    advantages = {a.advantage_id: a for a in repository.list_all(org_id, ADVANTAGE)}
    rows, total, sent = [], Counts(), 0
    for batch in batch_repository.read(org_id, advantage_id):
        advantage = advantages.get(batch.advantage_id)
        if advantage is None or (season_id and advantage.season_id != season_id):
            continue
        if contact_id and batch.contact_id != contact_id:
            continue
        rows.append(
            {
                "advantage_id": batch.advantage_id,
                "public_name": advantage.public_name,
                "season_id": advantage.season_id,
                "batch_id": batch.batch_id,
                "contact_id": batch.contact_id,
                "status": batch.status,
                "created_at": batch.created_at,
                "sent": batch.sent,
                **batch.counts.shown(),
            }
        )
        total, sent = total + batch.counts, sent + batch.sent
    rows.sort(key=lambda r: (r["public_name"], r["advantage_id"], r["created_at"] or "", r["batch_id"]))
    return {"rows": rows, "totals": {"sent": sent, **total.shown()}}
