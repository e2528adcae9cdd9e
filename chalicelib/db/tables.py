"""Every table's root model and its CreateTable definition, shared by tests, the local stack and the cloud."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import TTLAttribute

from chalicelib.db.accounts import AccountsTable
from chalicelib.db.catalog import CatalogTable
from chalicelib.db.holds import HoldsTable
from chalicelib.db.idempotency import IdempotencyTable
from chalicelib.db.limits import LimitsTable
from chalicelib.db.options import OptionsTable
from chalicelib.db.queues import QueuesTable
from chalicelib.db.runs import RunsTable
from chalicelib.db.sales import SalesTable
from chalicelib.db.stock import StockTable

TABLES = (
    AccountsTable,
    CatalogTable,
    HoldsTable,
    StockTable,
    RunsTable,
    SalesTable,
    IdempotencyTable,
    OptionsTable,
    QueuesTable,
    LimitsTable,
)


def ttl_attribute(model: type) -> str | None:
    for attr in model.get_attributes().values():
        if isinstance(attr, TTLAttribute):
            return attr.attr_name
    return None


def table_definition(model: type, table_name: str | None = None) -> dict[str, Any]:
    """The table in the shape of DynamoDB CreateTable (and of AWS::DynamoDB::Table properties)."""
    schema = model._get_schema()
    attributes = {a["AttributeName"]: a["AttributeType"] for a in schema["attribute_definitions"]}
    indexes = []
    for index in schema["global_secondary_indexes"]:
        for attr in index["attribute_definitions"]:
            attributes[attr["AttributeName"]] = attr["AttributeType"]
        indexes.append(
            {
                "IndexName": index["index_name"],
                "KeySchema": _keys(index["key_schema"]),
                "Projection": {"ProjectionType": index["projection"]["ProjectionType"]},
            }
        )
    definition: dict[str, Any] = {
        "TableName": table_name or model.Meta.table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": _keys(schema["key_schema"]),
        "AttributeDefinitions": [
            {"AttributeName": name, "AttributeType": kind} for name, kind in sorted(attributes.items())
        ],
    }
    if indexes:
        definition["GlobalSecondaryIndexes"] = indexes
    return definition


def _keys(keys: list[dict[str, str]]) -> list[dict[str, str]]:
    """Hash key first, as DynamoDB requires."""
    ordered = sorted(keys, key=lambda k: k["KeyType"] != "HASH")
    return [{"AttributeName": k["AttributeName"], "KeyType": k["KeyType"]} for k in ordered]


def create_tables(client: Any) -> list[str]:
    """Create every missing table with a boto3 DynamoDB client; waits until each is active."""
    existing = set()
    for page in client.get_paginator("list_tables").paginate():
        existing.update(page["TableNames"])
    created = []
    for model in TABLES:
        definition = table_definition(model)
        name = definition["TableName"]
        if name in existing:
            continue
        client.create_table(**definition)
        client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
        ttl = ttl_attribute(model)
        if ttl:
            client.update_time_to_live(
                TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl}
            )
        created.append(name)
    return created
