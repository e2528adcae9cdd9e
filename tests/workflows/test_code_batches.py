"""The code-batches state machine, run by moto's interpreter over the real ASL file: a large batch of
single-use codes generated chunk by chunk, a chunk run again never doubling codes, a failure recorded.

Here 150 codes in chunks of 50: moto copies every table in each transaction, so 1,000 codes take about
150 s on it. bench/code_batches.py runs the workflow's tasks for 100,000 codes on DynamoDB Local."""

from __future__ import annotations

import threading

import pytest

from chalicelib.advantages import batches, code_repository
from chalicelib.advantages.batch_model import GENERATING
from chalicelib.errors import Conflict, InvalidInput, TransientStoreError
from chalicelib.runs import service as runs
from chalicelib.workflows import code_batches
from infra.local import workflows
from tests.service.test_advantages_codes import ORG, codes_advantage
from tests.workflows.conftest import PREFIX

COUNT = 150


@pytest.fixture
def small_batches(sfn, monkeypatch):
    """Chunks of 50 codes and the workflow from 101 codes (1,000 and 2,000 in production); the Map's
    parallel tasks one at a time, as moto's in-memory tables are not thread-safe (on AWS each task is
    its own Lambda invocation on DynamoDB)."""
    monkeypatch.setattr(batches, "CHUNK_SIZE", 50)
    monkeypatch.setattr(batches, "IN_REQUEST_MAX", 100)  # more than 100 codes: the workflow's
    one_at_a_time = threading.Lock()

    def serialised(function):
        def run(event, context):
            with one_at_a_time:
                return function(event, context)

        return run

    functions = {name: serialised(fn) for name, fn in workflows.app_functions().items()}
    workflows.install_lambda_dispatch(functions, PREFIX)


def generate_and_wait(sfn, count: int = COUNT) -> tuple[str, str, dict]:
    advantage_id = codes_advantage()
    batch, made = batches.generate(ORG, advantage_id, count, "ACME", "admin")
    assert made is None and batch.status == GENERATING and batch.requested == count
    [execution] = sfn.client.list_executions(stateMachineArn=sfn.machines["code-batches"])["executions"]
    assert execution["name"] == f"batch-{ORG}-{batch.batch_id}"
    return (
        advantage_id,
        batch.batch_id,
        workflows.wait_for_execution(sfn.client, execution["executionArn"], 120),
    )


def batch_codes(advantage_id: str, batch_id: str) -> list[str]:
    items, _ = code_repository.list_items(ORG, advantage_id, None, 100_000, None, batch_id)
    return [item.code for item in items]


def test_a_large_batch_is_generated_chunk_by_chunk_and_made_ready(sfn, small_batches):
    advantage_id, batch_id, execution = generate_and_wait(sfn)

    assert execution["status"] == "SUCCEEDED", execution
    batch = batches.get(ORG, advantage_id, batch_id)
    assert (batch.status, batch.counts.generated, batch.contact_id) == ("ready", COUNT, "ACME")
    written = batch_codes(advantage_id, batch_id)
    assert len(written) == len(set(written)) == COUNT
    [run] = runs.runs_seen_by(ORG, "code-batches")
    assert run.status == "succeeded" and run.summary["generated"] == COUNT


def test_a_chunk_that_failed_midway_is_run_again_without_doubling_codes(sfn, small_batches, monkeypatch):
    real, calls = code_repository.write_codes, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # the first chunk has written 49 of its 50 codes when the store fails
            raise TransientStoreError("DynamoDB is busy")
        return real(*args, **kwargs)

    monkeypatch.setattr(code_repository, "write_codes", flaky)
    advantage_id, batch_id, execution = generate_and_wait(sfn)

    assert execution["status"] == "SUCCEEDED", execution
    failures = [e for e in sfn.history(execution["executionArn"]) if e["type"] == "LambdaFunctionFailed"]
    assert [e["lambdaFunctionFailedEventDetails"]["error"] for e in failures] == ["TransientStoreError"]
    assert len(set(batch_codes(advantage_id, batch_id))) == COUNT
    assert batches.get(ORG, advantage_id, batch_id).counts.generated == COUNT
    again = code_batches.handle(
        {
            "action": "generate",
            "org_id": ORG,
            "advantage_id": advantage_id,
            "batch_id": batch_id,
            "index": 0,
            "size": 50,
        }
    )
    assert again == {"index": 0, "written": 50}
    assert len(batch_codes(advantage_id, batch_id)) == COUNT


def test_a_batch_whose_chunk_keeps_failing_is_marked_failed_and_the_run_says_why(
    sfn, small_batches, monkeypatch
):
    def broken(*args, **kwargs):
        raise ValueError("no more randomness")

    monkeypatch.setattr(batches, "new_code", broken)
    advantage_id, batch_id, execution = generate_and_wait(sfn)

    assert execution["status"] == "FAILED"
    batch = batches.get(ORG, advantage_id, batch_id)
    assert batch.status == "failed" and batch.error == "ValueError"
    [run] = runs.list_runs("code-batches")
    assert run.status == "failed" and run.error == "ValueError"


def test_a_batch_still_generating_is_not_sent_and_more_than_100000_codes_are_refused(sfn, monkeypatch):
    from chalicelib.runs import service as runs_service

    monkeypatch.setattr(runs_service, "start_workflow", lambda *args, **kwargs: "not started")
    advantage_id = codes_advantage()
    batch, _ = batches.generate(ORG, advantage_id, 5_000, "ACME", "admin")
    with pytest.raises(Conflict) as refused:
        batches.send(ORG, advantage_id, batch.batch_id, None)
    assert refused.value.details["status"] == "generating"
    with pytest.raises(InvalidInput) as too_many:
        batches.generate(ORG, advantage_id, 100_001, None, "admin")
    assert too_many.value.details["field"] == "count"
