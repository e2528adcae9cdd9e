"""Time travel for the moto tiers: every clock moves (time-machine), and DynamoDB's TTL deletion is
applied as AWS does it, to every table whose model declares a TTL attribute."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import time_machine

from chalicelib.db.tables import TABLES, table_definition, ttl_attribute

DAY = timedelta(days=1)


class Clock:
    """Moves every clock of the process (time.time, datetime.now) to a day counted from its start."""

    def __init__(self) -> None:
        self.start = datetime.now(UTC)
        self._trip: time_machine.travel | None = None

    def to_day(self, days: float) -> datetime:
        self.stop()
        moment = self.start + days * DAY
        self._trip = time_machine.travel(moment, tick=True)
        self._trip.start()
        return moment

    def stop(self) -> None:
        if self._trip is not None:
            self._trip.stop()
            self._trip = None


def apply_ttl(now: datetime | None = None) -> dict[str, int]:
    """Delete every item whose TTL attribute is a time already past, in every table: what DynamoDB
    does (within days, in any order) once the attribute's epoch seconds are behind the clock.

    DynamoDB only considers a Number attribute, so the filter compares numbers only. Returns the
    count deleted per table.
    """
    client = boto3.client("dynamodb")
    epoch = int((now or datetime.now(UTC)).timestamp())
    deleted: dict[str, int] = {}
    for model in TABLES:
        attribute = ttl_attribute(model)
        if attribute is None:
            continue
        definition = table_definition(model)
        table, keys = definition["TableName"], [k["AttributeName"] for k in definition["KeySchema"]]
        pages = client.get_paginator("scan").paginate(
            TableName=table,
            FilterExpression="#ttl < :now",
            ExpressionAttributeNames={"#ttl": attribute},
            ExpressionAttributeValues={":now": {"N": str(epoch)}},
            ConsistentRead=True,
        )
        for page in pages:
            for item in page["Items"]:
                client.delete_item(TableName=table, Key={k: item[k] for k in keys})
                deleted[table] = deleted.get(table, 0) + 1
    return deleted
