"""Single-use codes on DynamoDB Local: requests and write units of generating 1,000 codes, of claiming and
using one, and of taking an advantage's quota. Prints figures; asserts nothing."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.code_batches import count_every_client, measure
from bench.stock import use_dynamodb_local

ORG = "bench"


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
