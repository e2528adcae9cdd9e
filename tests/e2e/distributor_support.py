"""Helpers of the distributor cycle's e2e tests: a new external channel, its quota (a row of seats moved
into it on a performance on sale), point of sale and contact; the mapping file made from the on-sale
sheet; runs started and followed; the simulated distributor driven over HTTP."""

from __future__ import annotations

import csv
import io
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

INTERFACES = "/backoffice/distributors/interfaces"
RUNS = "/backoffice/distributors/runs"
LIVE = ("queued", "running")
# A row of the demo's balcony (general sale) that becomes the new distributor's quota.
ROW = {"zone": "BALCONY", "block": "L", "rows": ["H"]}


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json() if response.content else {}


@dataclass
class Cycle:
    """What the cycle's distributor sells: its channel, quota, point of sale and contact, and the
    performance where its quota has `seat_ids`."""

    suffix: str
    channel: dict
    quota: dict
    point: dict
    contact: dict
    performance: dict
    event: dict
    plan_id: str
    seat_ids: list[str]
    made: dict = field(default_factory=dict)  # the interface once made (by the page or the API)

    def theirs(self, code: str) -> str:
        """The distributor's id of our item of that code (what it writes in the on-sale sheet)."""
        return f"{self.suffix}-{code}"

    @property
    def name(self) -> str:
        return f"Cycle {self.suffix}"

    @property
    def alerts(self) -> str:
        return f"alerts-{self.suffix.lower()}@example.org"


def _on_sale_with_the_row(api, token: str) -> tuple[dict, dict[str, dict]]:
    """The latest demo performance on sale to come whose plan has ROW with free seats (other e2e tests
    make performances on other plans, and sell the earliest ones), and its seats."""
    found = ok(api.get("/backoffice/performances", token=token, params={"limit": 200}))["items"]
    now = datetime.now(UTC)
    to_come = [
        p
        for p in found
        if (p.get("state") or {}).get("status") == "on_sale" and datetime.fromisoformat(p["starts_at"]) > now
    ]
    for performance in sorted(to_come, key=lambda p: p["starts_at"], reverse=True):
        seats = seat_states(api, token, performance["id"])
        if any(_in_row(s) and s["status"] == "free" for s in seats.values()):
            return performance, seats
    raise AssertionError(f"no performance on sale to come has free seats in {ROW}")


def _in_row(seat: dict) -> bool:
    return (seat["zone"], seat["block"], seat["row"]) == (ROW["zone"], ROW["block"], ROW["rows"][0])


def prepare(api, token: str) -> Cycle:
    """A new external channel listing its new external quota, a point of sale, a contact, and a row of
    free seats of the latest performance on sale moved into the quota."""
    suffix = uuid.uuid4().hex[:6].upper()
    name = f"Cycle {suffix}"
    channel = ok(
        api.post(
            "/backoffice/sales-channels",
            {"code": f"CY-{suffix}", "name": name, "type": "external"},
            token=token,
        ),
        201,
    )
    quota = ok(
        api.post(
            "/backoffice/quotas",
            {"code": f"CY-{suffix}", "name": name, "type": "external", "channel_ids": [channel["id"]]},
            token=token,
        ),
        201,
    )
    # The channel lists its quota too: reintegration only takes seats of the quotas the channel lists
    # (see test_a_quota_that_only_names_its_channel_is_reintegrated_too).
    channel = list_quota(api, token, channel, quota["id"])
    point = ok(
        api.post(
            "/backoffice/points-of-sale",
            {"channel_id": channel["id"], "code": f"CY-{suffix}", "name": name},
            token=token,
        ),
        201,
    )
    contact = ok(
        api.post(
            "/backoffice/contacts",
            {"code": f"CY-{suffix}", "name": name, "email": f"cycle-{suffix.lower()}@example.org"},
            token=token,
        ),
        201,
    )
    performance, seats = _on_sale_with_the_row(api, token)
    row = sorted(s["seat_id"] for s in seats.values() if _in_row(s) and s["status"] == "free")
    moved = ok(
        api.post(
            f"/backoffice/performances/{performance['id']}/stock/move",
            {"selection": ROW, "quota_id": quota["id"]},
            token=token,
        )
    )
    assert moved["changed"] == len(row) > 0, moved
    event = ok(api.get(f"/backoffice/events/{performance['event_id']}", token=token))
    plan_id = performance["state"]["seating_plan_id"]
    return Cycle(suffix, channel, quota, point, contact, performance, event, plan_id, row)


def list_quota(api, token: str, channel: dict, quota_id: str) -> dict:
    body = {
        k: v for k, v in channel.items() if k not in ("id", "version", "created_at", "updated_at", "state")
    }
    body["quota_ids"] = [quota_id]
    return ok(
        api.request(
            "PUT",
            f"/backoffice/sales-channels/{channel['id']}",
            token,
            params={"version": channel["version"]},
            json=body,
        )
    )


def mapping_file(sheet_csv: str, cycle: Cycle) -> str:
    """The on-sale sheet's CSV as the distributor sends it back: its ids filled in (`<suffix>-<our
    code>`), plus the zone of the quota's seats (the sheet lists no zones)."""
    rows = list(csv.DictReader(io.StringIO(sheet_csv)))
    assert rows and rows[0]["kind"] == "event", sheet_csv[:300]
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n", restval="")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "distributor_id": cycle.theirs(row["our_code"])})
    zone = ROW["zone"]
    writer.writerow(
        {"kind": "zone", "our_id": f"{cycle.plan_id}/{zone}", "distributor_id": cycle.theirs(zone)}
    )
    return out.getvalue()


def sheet_csv(api, token: str, interface_id: str, event_id: str) -> str:
    response = api.get(
        f"{INTERFACES}/{interface_id}/on-sale-sheets/{event_id}",
        token=token,
        params={"format": "csv"},
        headers={"Accept": "text/csv"},
    )
    assert response.status_code == 200, response.text
    return response.text


def make_interface(api, token: str, cycle: Cycle) -> dict:
    """The interface, its mappings and a first export, over the API (when the page's test did not)."""
    body = {
        "name": cycle.name,
        "channel_id": cycle.channel["id"],
        "connection": {"adapter": "simulated", "url": "", "login": f"cy-{cycle.suffix.lower()}"},
        "contact_id": cycle.contact["id"],
        "point_of_sale_id": cycle.point["id"],
        "alert_recipients": [cycle.alerts],
    }
    interface = ok(api.post(INTERFACES, body, token=token), 201)
    content = mapping_file(sheet_csv(api, token, interface["id"], cycle.event["id"]), cycle)
    ok(
        api.post(
            f"{INTERFACES}/{interface['id']}/mapping-file",
            {"content": content},
            token=token,
            params={"season_id": cycle.event["season_id"]},
        )
    )
    run = finished(api, token, run_now(api, token, interface["id"], "allotment_export")["run_id"])
    assert run["status"] == "succeeded", run
    return interface


def run_now(api, token: str, interface_id: str, function: str, seconds: float = 60) -> dict:
    """Start a run (202), waiting while a run of the function (a scheduled one) is still on."""
    deadline = time.monotonic() + seconds
    while True:
        response = api.post(f"{INTERFACES}/{interface_id}/runs", {"function": function}, token=token)
        if response.status_code == 202:
            return response.json()
        reason = response.json().get("details", {}).get("reason") if response.status_code == 409 else None
        assert reason == "run_in_progress" and time.monotonic() < deadline, response.text
        time.sleep(0.5)


def finished(api, token: str, run_id: str, seconds: float = 90) -> dict:
    """The run once it is no longer queued or running."""
    deadline = time.monotonic() + seconds
    while True:
        run = ok(api.get(f"{RUNS}/{run_id}", token=token))
        if run["status"] not in LIVE:
            return run
        assert time.monotonic() < deadline, f"run {run_id} still {run['status']} after {seconds}s"
        time.sleep(0.5)


def reintegrated(api, token: str, interface_id: str) -> dict:
    """A sales reintegration run now, once ended."""
    return finished(api, token, run_now(api, token, interface_id, "sales_reintegration")["run_id"])


def simulator(stack, interface_id: str) -> str:
    return f"/distributor-simulator/{stack.org}/{interface_id}"


def sell(api, stack, cycle: Cycle, interface_id: str, seats: int, price: int) -> dict:
    """The simulated distributor sells `seats` places of the cycle's performance at full price."""
    body = {
        "distributor_performance_id": cycle.theirs(cycle.performance["code"]),
        "seats": seats,
        "audience": cycle.theirs("FULL"),
        "price": price,
    }
    return ok(api.post(simulator(stack, interface_id) + "/sell", body), 201)


def fail(api, stack, interface_id: str, mode: str, **extra) -> dict:
    body = {"mode": mode, "times": None, **extra}
    return ok(api.request("PUT", simulator(stack, interface_id) + "/failure", json=body))


def seat_states(api, token: str, performance_id: str) -> dict[str, dict]:
    """The plan's seats (the admin plan's route): seat id -> its live status and quota."""
    found = ok(api.get(f"/backoffice/performances/{performance_id}/stock/seats", token=token))
    return {seat["seat_id"]: seat for seat in found["seats"]}


def sale_lines(api, token: str, interface_id: str, external_sale_id: str) -> list[dict]:
    found = api.get(
        f"{INTERFACES}/{interface_id}/sales", token=token, params={"external_sale_id": external_sale_id}
    )
    return sorted(ok(found)["items"], key=lambda line: int(line["line"]))


def alerts_of(api, token: str, run_id: str) -> list[tuple[str, str, str]]:
    """(kind, to, subject) of the emails the run's end wrote to the outbox."""
    found = ok(api.get("/backoffice/emails", token=token, params={"reference": run_id}))["items"]
    return sorted((e["kind"], e["to"], e["subject"]) for e in found)
