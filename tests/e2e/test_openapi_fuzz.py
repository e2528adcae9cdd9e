"""Every operation of the live /openapi.json, fuzzed by schemathesis: no answer is a server error."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

FUZZ_ORG = "fuzz"  # its own organisation: generated PATCHes and DELETEs cannot touch the demo
# Examples per operation and mode: at most 10, fewer as the API grows, so that the run stays near
# REQUEST_BUDGET requests (about 30 s on 2 cores); never fewer than 3.
MAX_EXAMPLES, MIN_EXAMPLES, REQUEST_BUDGET = 10, 3, 1500


@pytest.fixture(scope="module")
def fuzz_token(stack, api):
    # The stack configured this process's environment, so the service writes to the stack's tables.
    from chalicelib.auth import service

    service.create_organisation(FUZZ_ORG, "Fuzzing", "fuzzer", "fuzzer-password")
    return api.operator_token(FUZZ_ORG, "fuzzer", "fuzzer-password")


def examples_per_operation(operations: int) -> int:
    return max(MIN_EXAMPLES, min(MAX_EXAMPLES, REQUEST_BUDGET // (operations * len(GenerationMode))))


def fuzz(operation, mode, examples_count, call) -> str | None:
    """Run one operation's examples; the failure schemathesis reports, or None."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples_count, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def examples(case):
        call(case)

    try:
        examples()
    except Unsatisfiable:
        return None  # nothing to make invalid (no parameters, no body): no negative case exists
    except Exception as exc:  # noqa: BLE001 - collected, so that one run reports every operation
        return f"{operation.label} ({mode.value}): {exc}"
    return None


def test_no_operation_answers_a_server_error(stack, api, fuzz_token):
    schema = schemathesis.openapi.from_url(stack.openapi_url)
    operations = [result.ok() for result in schema.get_all_operations()]

    def call(case):
        # (A fixed header: the generated Authorization would only ever be refused.)
        backoffice = case.operation.path.startswith("/backoffice")
        headers = {"Authorization": f"Bearer {fuzz_token}"} if backoffice else {}
        case.call_and_validate(
            base_url=stack.api_url, session=api.session, headers=headers, checks=[not_a_server_error]
        )

    count = examples_per_operation(len(operations))
    failures = [fuzz(op, mode, count, call) for op in operations for mode in GenerationMode]

    assert len(operations) >= 15, [op.label for op in operations]
    found = [failure for failure in failures if failure]
    assert not found, "\n\n".join(found)
