"""Tables, state machines and errors are each defined once and agree with one another."""

from __future__ import annotations

import json
import re
from pathlib import Path

from chalicelib.api.errors import status_of
from chalicelib.db.tables import TABLES, table_definition, ttl_attribute
from chalicelib.errors import (
    AlreadyExists,
    InvalidInput,
    InvalidToken,
    MalformedBody,
    PermissionDenied,
    SeatUnavailable,
    TransientStoreError,
    error_classes,
)
from chalicelib.workflows.catalogue import SCHEDULES, STATE_MACHINES, Schedule

ROOT = Path(__file__).resolve().parents[2]


def test_table_names_come_from_the_stage_prefix():
    names = [table_definition(model)["TableName"] for model in TABLES]

    assert names == [
        f"guichet-test-{n}"
        for n in (
            "accounts",
            "catalog",
            "holds",
            "stock",
            "runs",
            "sales",
            "idempotency",
            "options",
            "queues",
            "limits",
        )
    ]


def test_every_index_key_is_an_attribute_definition_and_hash_keys_come_first():
    for model in TABLES:
        definition = table_definition(model)
        defined = {a["AttributeName"] for a in definition["AttributeDefinitions"]}
        key_sets = [definition["KeySchema"]] + [
            i["KeySchema"] for i in definition.get("GlobalSecondaryIndexes", [])
        ]
        for keys in key_sets:
            assert keys[0]["KeyType"] == "HASH"
            assert {k["AttributeName"] for k in keys} <= defined


def test_holds_have_a_sparse_expiry_index_and_a_ttl():
    holds = next(model for model in TABLES if model.Meta.logical_name == "holds")

    [index] = table_definition(holds)["GlobalSecondaryIndexes"]
    assert index["IndexName"] == "active-by-expiry"
    assert ttl_attribute(holds) == "purge_at"


def test_every_state_machine_has_its_file_and_every_placeholder_a_function():
    for machine in STATE_MACHINES:
        text = (ROOT / "statemachines" / f"{machine.name}.asl.json").read_text()
        json.loads(text)
        assert set(re.findall(r"\$\{(\w+)\}", text)) == set(machine.functions)


# The Lambda service's own faults, which every task retries (AWS's documented names).
LAMBDA_SERVICE_ERRORS = {
    "Lambda.TooManyRequestsException",
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
}


def test_every_error_name_in_state_machines_is_a_real_exception_class():
    known = set(error_classes()) | LAMBDA_SERVICE_ERRORS
    for path in (ROOT / "statemachines").glob("*.asl.json"):
        names = re.findall(r'"ErrorEquals":\s*\[([^\]]*)\]', path.read_text())
        for name in (n.strip().strip('"') for group in names for n in group.split(",")):
            assert name.startswith("States.") or name in known, f"{path.name}: {name}"


def test_every_schedule_starts_a_known_state_machine():
    machines = {m.name for m in STATE_MACHINES}

    assert all(schedule.state_machine in machines for schedule in SCHEDULES)


def test_schedule_expression_is_in_whole_minutes():
    assert Schedule("a", "hold-cleanup", 60).expression == "rate(1 minute)"
    assert Schedule("b", "hold-cleanup", 900).expression == "rate(15 minutes)"


def test_errors_map_to_http_statuses_through_their_family():
    assert status_of(InvalidInput("x")) == 422
    assert status_of(MalformedBody("x")) == 400
    assert status_of(InvalidToken("x")) == 401
    assert status_of(PermissionDenied("x")) == 403
    assert status_of(AlreadyExists("x")) == 409
    assert status_of(SeatUnavailable("x")) == 409
    assert status_of(TransientStoreError("x")) == 503


def test_error_codes_are_unique():
    codes = [cls.code for cls in error_classes().values()]

    assert len(codes) == len(set(codes))
