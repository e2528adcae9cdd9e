"""The hold-cleanup state machine, run by moto's interpreter over the real ASL file."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from botocore.exceptions import ClientError

from chalicelib import clock
from chalicelib.db.holds import HoldItem, hold_pk
from chalicelib.db.stock import SEAT_FREE, SEAT_HELD, SeatItem, seat_pk, seat_sk
from chalicelib.inventory import service as inventory
from chalicelib.inventory.model import SeatRef
from chalicelib.runs import service as runs
from chalicelib.workflows import hold_cleanup
from tests.fixtures import aws  # noqa: F401 - fixture

PERFORMANCE = "perf-1"


def make_seats(count: int) -> list[SeatRef]:
    refs = []
    for n in range(count):
        seat_id = f"A-1-{n}"
        item = SeatItem(
            seat_pk(PERFORMANCE, seat_id, 4), seat_sk(seat_id), performance_id=PERFORMANCE, seat_id=seat_id
        )
        item.save()
        refs.append(SeatRef(item.pk, item.sk))
    return refs


def seat_status(ref: SeatRef) -> str:
    return SeatItem.get(ref.pk, ref.sk, consistent_read=True).status


def test_cleanup_frees_seats_of_expired_holds_and_keeps_live_ones(sfn, monkeypatch):
    seats = make_seats(6)
    with clock.at(1_000):
        expired = inventory.place_hold("demo", PERFORMANCE, "cart-1", seats[:3], timeout_seconds=60)
    live = inventory.place_hold("demo", PERFORMANCE, "cart-2", seats[3:], timeout_seconds=3600)

    execution = sfn.run("hold-cleanup")

    assert execution["status"] == "SUCCEEDED", execution
    assert [seat_status(s) for s in seats] == [SEAT_FREE] * 3 + [SEAT_HELD] * 3
    [run] = runs.list_runs("hold-cleanup")
    assert run.status == "succeeded"
    assert run.summary == {
        "holds_found": 1,
        "holds_released": 1,
        "seats_freed": 3,
        "places_freed": 3,
        "orders_expired": 0,
    }
    assert expired.hold_id != live.hold_id


def test_second_run_changes_nothing_and_says_so(sfn, monkeypatch):
    seats = make_seats(2)
    with clock.at(1_000):
        inventory.place_hold("demo", PERFORMANCE, "cart-1", seats, timeout_seconds=60)

    first = sfn.run("hold-cleanup")
    second = sfn.run("hold-cleanup")

    assert first["status"] == second["status"] == "SUCCEEDED"
    newest, oldest = runs.list_runs("hold-cleanup")
    assert oldest.summary["seats_freed"] == 2
    assert newest.summary == {
        "holds_found": 0,
        "holds_released": 0,
        "seats_freed": 0,
        "places_freed": 0,
        "orders_expired": 0,
    }
    assert json.loads(second["output"])["summary"]["seats_freed"] == 0


def test_transient_store_error_is_retried_and_the_run_succeeds(sfn):
    """DynamoDB throttles the first query; the Retry on TransientStoreError carries the run through."""
    seats = make_seats(1)
    throttled = {"left": 1}

    def throttle_once(**kwargs):
        if throttled["left"]:
            throttled["left"] -= 1
            error = {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}
            raise ClientError(error, "Query")

    from chalicelib.db.holds import HoldsTable

    client = HoldsTable._get_connection().connection.client
    client.meta.events.register("before-call.dynamodb.Query", throttle_once)
    try:
        execution = sfn.run("hold-cleanup")
    finally:
        client.meta.events.unregister("before-call.dynamodb.Query", throttle_once)

    assert execution["status"] == "SUCCEEDED"
    assert throttled["left"] == 0
    failures = [e for e in sfn.history(execution["executionArn"]) if e["type"] == "LambdaFunctionFailed"]
    assert [e["lambdaFunctionFailedEventDetails"]["error"] for e in failures] == ["TransientStoreError"]
    assert seats


def test_a_failing_task_is_caught_and_the_failure_recorded(sfn, monkeypatch):
    def broken(limit, now=None):
        raise RuntimeError("index unavailable")

    monkeypatch.setattr(inventory, "find_expired_holds", broken)

    execution = sfn.run("hold-cleanup")

    assert execution["status"] == "FAILED"
    [run] = runs.list_runs("hold-cleanup")
    assert run.status == "failed"
    assert run.error == "RuntimeError"
    assert "index unavailable" in (run.cause or "")


@pytest.mark.parametrize("action", ["", "explode"])
def test_unknown_task_action_is_refused(action):
    with pytest.raises(ValueError, match="unknown hold-cleanup action"):
        hold_cleanup.handle({"action": action})


@pytest.mark.usefixtures("aws")
def test_the_upgrade_task_drops_old_purge_times_from_live_and_sold_holds_only():
    seats = make_seats(3)
    live, sold, ended = (inventory.place_hold("demo", PERFORMANCE, "cart", [s], 600) for s in seats)
    inventory.sell_hold(sold.hold_id, "order-1")
    inventory.release_hold(ended.hold_id)
    old = datetime.fromtimestamp(live.expires_at + 7 * 86400, tz=UTC)  # what the older version wrote
    for hold in (live, sold):
        HoldItem(hold_pk(hold.hold_id)).update(actions=[HoldItem.purge_at.set(old)])
    ended_purge = HoldItem.get(hold_pk(ended.hold_id)).purge_at

    pages = [hold_cleanup.handle({"action": "keep_live_holds", "limit": 1})]
    while pages[-1]["cursor"]:
        page = {"action": "keep_live_holds", "limit": 1, "cursor": pages[-1]["cursor"]}
        pages.append(hold_cleanup.handle(page))

    purge = {h.hold_id: h.purge_at for h in HoldItem.scan(consistent_read=True)}
    assert purge == {live.hold_id: None, sold.hold_id: None, ended.hold_id: ended_purge}
    assert sum(page["kept"] for page in pages) == 2
    assert hold_cleanup.handle({"action": "keep_live_holds"}) == {"kept": 0, "cursor": None}
