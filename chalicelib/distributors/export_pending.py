"""The export prompt after an operator changes a distributor's seats, and the seed's two-step move.

When seats of a distributor's quota are blocked, unblocked or moved (or standing places moved), its
allotment export becomes pending for that performance and the stock change answers which exports to
suggest. Taking seats from one distributor and giving them to another is done in two steps (the seed):
1. take them away from the first (to a quota no distributor sells) and block them, export its allotment;
2. unblock them, give them to the other, export its allotment. The one-step move is refused, and so is
giving seats while the first distributor's export that took them away is still pending."""

from __future__ import annotations

from typing import Any

from chalicelib.catalog import service as catalog
from chalicelib.distributors import export_build, export_store, repository
from chalicelib.distributors.model import Interface, InterfaceStatus
from chalicelib.errors import Conflict
from chalicelib.inventory import service as inventory
from chalicelib.inventory.stock_model import BLOCK, MOVE, UNBLOCK

AREA_PREFIX = "AREA#"


def steps(source: str, target: str) -> list[str]:
    return [
        f"1. Move the seats out of {source}'s quota (to a quota no distributor sells), block them, and "
        f"export {source}'s allotment",
        f"2. Once that export is sent, unblock them, move them to {target}'s quota, and export "
        f"{target}'s allotment",
    ]


def quota_owners(org_id: str) -> dict[str, Interface]:
    """Quota id -> the interface whose distributor sells it (its channel's quotas)."""
    owners: dict[str, Interface] = {}
    interfaces = repository.list_interfaces(org_id)
    if not interfaces:
        return owners
    with catalog.shared_reads():
        for interface in interfaces:
            for quota_id in export_build.distributor_quotas(org_id, interface.channel_id):
                owners.setdefault(quota_id, interface)
    return owners


def places_before(area: str, from_quota: str) -> dict[str, str | None]:
    """A standing places move, as `seats_before`: the area's places of `from_quota`."""
    return {f"{AREA_PREFIX}{area}": from_quota}


def _seat_quotas(org_id: str, performance_id: str, seat_ids: list[str]) -> dict[str, str | None]:
    wanted = set(seat_ids)
    performance = catalog.get(org_id, "performance", performance_id)
    shards = inventory.stock_shards(performance.state)
    return {s.seat_id: s.quota_id for s in inventory.map_seats(performance_id, shards) if s.seat_id in wanted}


def _name(interface: Interface) -> str:
    return str(interface.data.get("name") or interface.id)


def check_stock_change(
    org_id: str,
    performance_id: str,
    seat_ids: list[str],
    change: str,
    target_quota: str | None,
    seats_before: dict[str, str | None] | None = None,
) -> dict[str, str | None]:
    """Refuse the change (Conflict 409) when it moves seats from one distributor's quota straight to
    another's (reason `two_step_move`), or gives a distributor seats another distributor lost in a change
    whose export is still pending (reason `export_pending`). Answers the seats' quotas before the
    change (read now unless `seats_before` is given): pass them to `note_stock_change` after it."""
    owners = quota_owners(org_id)
    if not owners:
        return dict(seats_before or {})
    before = seats_before if seats_before is not None else _seat_quotas(org_id, performance_id, seat_ids)
    if change == MOVE:
        receiver = owners.get(target_quota or "")
        if receiver is None:
            return before
        for quota in set(before.values()):
            giver = owners.get(quota or "")
            if giver is not None and giver.id != receiver.id:
                source, target = _name(giver), _name(receiver)
                raise Conflict(
                    f"Seats cannot go from {source} straight to {target}: do it in two steps. "
                    + " ".join(steps(source, target)),
                    {
                        "reason": "two_step_move",
                        "from_interface_id": giver.id,
                        "from_interface": source,
                        "to_interface_id": receiver.id,
                        "to_interface": target,
                        "steps": steps(source, target),
                    },
                )
        _refuse_while_pending(org_id, performance_id, set(before), receiver, owners)
    elif change == UNBLOCK:
        receivers = {owners[q].id: owners[q] for q in before.values() if q in owners}
        for receiver in receivers.values():
            given = {s for s, q in before.items() if q in owners and owners[q].id == receiver.id}
            _refuse_while_pending(org_id, performance_id, given, receiver, owners)
    return before


def _refuse_while_pending(
    org_id: str, performance_id: str, seat_ids: set[str], receiver: Interface, owners: dict[str, Interface]
) -> None:
    others = {i.id: i for i in owners.values() if i.id != receiver.id}
    for other in others.values():
        for mark in export_store.pending_marks(org_id, other.id, performance_id):
            if mark.touches(seat_ids):
                source, target = _name(other), _name(receiver)
                raise Conflict(
                    f"These seats were taken from {source}, whose allotment export is still pending: "
                    f"export {source}'s allotment (and check it was sent) before giving them to {target}",
                    {
                        "reason": "export_pending",
                        "interface_id": other.id,
                        "name": source,
                        "performance_id": performance_id,
                        "to_interface_id": receiver.id,
                        "steps": steps(source, target),
                    },
                )


def note_stock_change(
    org_id: str,
    performance_id: str,
    seats_before: dict[str, str | None],
    change: str,
    target_quota: str | None,
    skipped: list[str] | tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """After a change: the export becomes pending for each interface whose quota lost or gained seats
    (or whose seats were blocked or unblocked); answers the exports to suggest, one per interface.
    `skipped`: seats of `seats_before` the change left as they were (already so, or refused)."""
    changed = {s: q for s, q in seats_before.items() if s not in set(skipped)}
    if not changed:
        return []
    owners = quota_owners(org_id)
    if not owners:
        return []
    touched: dict[str, tuple[Interface, set[str]]] = {}

    def touch(quota: str | None, seat_id: str) -> None:
        owner = owners.get(quota or "")
        if owner is not None:
            touched.setdefault(owner.id, (owner, set()))[1].add(seat_id)

    for seat_id, quota in changed.items():
        if change in (BLOCK, UNBLOCK):
            touch(quota, seat_id)
        elif change == MOVE:
            source, target = owners.get(quota or ""), owners.get(target_quota or "")
            if source is not None and target is not None and source.id == target.id:
                continue  # from one of its quotas to another: its allotment is the same
            touch(quota, seat_id)
            touch(target_quota, seat_id)
    suggestions = []
    for interface, seat_ids in sorted(touched.values(), key=lambda t: _name(t[0]).lower()):
        export_store.mark_pending(org_id, interface.id, performance_id, seat_ids)
        if interface.data.get("status") != InterfaceStatus.SUSPENDED:
            suggestions.append(
                {"interface_id": interface.id, "name": _name(interface), "performance_id": performance_id}
            )
    return suggestions


def pending_performances(org_id: str, interface_id: str) -> list[str]:
    """The performances whose allotment export is due for the interface."""
    return sorted(mark.performance_id for mark in export_store.pending_marks(org_id, interface_id))
