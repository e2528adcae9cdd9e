"""Single-use codes on DynamoDB Local: requests and write units of generating 1,000 codes, of claiming and
using one, and of taking an advantage's quota. Prints figures; asserts nothing."""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import botocore.session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.stock import use_dynamodb_local

ORG = "bench"
# On AWS a transactional write costs 2 write units per item of up to 1 KB, a plain write 1; every
# item written here is under 1 KB (DynamoDB Local misreports transactions, so they are counted here).
REQUESTS: Counter = Counter()
WRITE_UNITS: Counter = Counter()


def _count(params: dict, model: Any, **_: Any) -> None:
    operation = model.name
    REQUESTS[operation] += 1
    if operation == "TransactWriteItems":
        WRITE_UNITS["write"] += 2 * len(params.get("TransactItems", []))
    elif operation in ("PutItem", "UpdateItem", "DeleteItem"):
        WRITE_UNITS["write"] += 1


def count_every_client() -> None:
    real = botocore.session.Session.create_client

    def create_client(self: Any, service_name: str, *args: Any, **kwargs: Any) -> Any:
        client = real(self, service_name, *args, **kwargs)
        if service_name == "dynamodb":
            client.meta.events.register("provide-client-params.dynamodb.*", _count)
        return client

    botocore.session.Session.create_client = create_client


def measure(label: str, action) -> Any:
    REQUESTS.clear()
    WRITE_UNITS.clear()
    began = time.perf_counter()
    result = action()
    took = time.perf_counter() - began
    requests = ", ".join(f"{n} {op}" for op, n in sorted(REQUESTS.items()))
    print(f"{label:<42} {requests:<52} {WRITE_UNITS['write']:>6} WRU  {took:6.2f} s")
    return result


def main() -> None:
    count_every_client()
    from chalicelib import clock
    from chalicelib.advantages import codes, service
    from chalicelib.advantages.model import PUT_IN_OPERATION, AdvantageSpec
    from chalicelib.db.tables import create_tables
    from infra.local import dynamodb

    local = dynamodb.start()
    try:
        use_dynamodb_local(local.endpoint)
        create_tables(local.client())
        spec = AdvantageSpec(
            season_id="S",
            event_ids=["EV"],
            prices=[{"audience_subcategory_id": "FULL", "rule": {"kind": "percent_off", "value": 50}}],
            public_name="Bench",
            target={"type": "single_use_codes"},
            quota=1_000_000,
            max_per_customer=10,
        )
        advantage = service.create_advantage(ORG, spec)
        service.change_advantage_state(ORG, advantage.advantage_id, PUT_IN_OPERATION, 1)
        advantage = service.get_advantage(ORG, advantage.advantage_id)
        print("DynamoDB Local; write units as AWS would bill them (2 per item in a transaction)")
        ident = advantage.advantage_id
        batch = measure("generate 1,000 codes", lambda: codes.generate_codes(ORG, ident, 1000))
        code, expiry = batch.codes[0], clock.seconds() + 1200
        measure("claim one code for a cart", lambda: codes.claim_code(ORG, code, "c1", expiry))
        measure("use it for an order", lambda: codes.use_code(ORG, code, "c1", "o1", "anne"))
        measure("take 2 tickets (quota and buyer cap)", lambda: service.take_quota(ORG, advantage, 2, "b"))
        measure("list a page of 100 codes", lambda: codes.list_codes(ORG, ident, None, 100))
    finally:
        local.stop()


if __name__ == "__main__":
    main()
