"""State machines and schedules in the packaged stack: built from the ASL files and the catalogue."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from chalicelib.errors import error_classes
from chalicelib.workflows.catalogue import SCHEDULES, STATE_MACHINES
from infra.aws import names
from infra.aws.workflows import ASL_DIR, DEAD_LETTERS, DISTRIBUTOR_SCHEDULER_ROLE
from tests.infra.cfn import PSEUDO, resolve, resources_of, statements_for

# The error names the Amazon States Language defines (all begin with "States.").
STATES_ERRORS = {
    "States.ALL",
    "States.BranchFailed",
    "States.DataLimitExceeded",
    "States.ExceedToleratedFailureThreshold",
    "States.HeartbeatTimeout",
    "States.Http.Socket",
    "States.IntrinsicFailure",
    "States.ItemReaderFailed",
    "States.NoChoiceMatched",
    "States.ParameterPathFailure",
    "States.Permissions",
    "States.QueryEvaluationError",
    "States.ResultPathMatchFailure",
    "States.ResultWriterFailed",
    "States.Runtime",
    "States.TaskFailed",
    "States.Timeout",
}
PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_]+)\}")
# The errors of the Lambda service itself (throttled, unavailable), which AWS advises every task to retry.
LAMBDA_ERRORS = (
    "Lambda.TooManyRequestsException",
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
)


def error_names(node: Any) -> Iterator[str]:
    """Every name in an ErrorEquals, at any depth (Map and Parallel states nest whole machines)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "ErrorEquals":
                yield from value
            else:
                yield from error_names(value)
    elif isinstance(node, list):
        for item in node:
            yield from error_names(item)


def machine_resource(template: dict[str, Any], name: str) -> dict[str, Any]:
    return resources_of(template, "AWS::StepFunctions::StateMachine")[names.state_machine_id(name)]


def test_every_asl_file_belongs_to_a_state_machine_of_the_catalogue() -> None:
    files = {path.name.removesuffix(".asl.json") for path in ASL_DIR.glob("*.asl.json")}
    assert files == {machine.name for machine in STATE_MACHINES}


def test_every_state_machine_is_defined_by_its_asl_file(template: dict[str, Any]) -> None:
    machines = resources_of(template, "AWS::StepFunctions::StateMachine")
    assert set(machines) == {names.state_machine_id(m.name) for m in STATE_MACHINES}
    for machine in STATE_MACHINES:
        properties = machines[names.state_machine_id(machine.name)]["Properties"]
        asl = json.loads((ASL_DIR / f"{machine.name}.asl.json").read_text())
        assert json.loads(properties["DefinitionString"]) == asl
        assert resolve(properties["StateMachineName"]) == f"{PSEUDO['AWS::StackName']}-{machine.name}"


def test_every_placeholder_in_each_asl_file_is_supplied_by_a_substitution(template: dict[str, Any]) -> None:
    functions = resources_of(template, "AWS::Serverless::Function")
    for machine in STATE_MACHINES:
        placeholders = set(PLACEHOLDER.findall((ASL_DIR / f"{machine.name}.asl.json").read_text()))
        substitutions = machine_resource(template, machine.name)["Properties"]["DefinitionSubstitutions"]
        assert placeholders == set(substitutions), machine.name
        for placeholder, value in substitutions.items():
            target, attribute = value["Fn::GetAtt"]
            assert target in functions and attribute == "Arn", placeholder
            assert target == names.function_id(machine.functions[placeholder])


def tasks(states: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every Task state, those inside Map and Parallel states included."""
    for name, state in states.items():
        if state.get("Type") == "Task":
            yield name, state
        for key in ("ItemProcessor", "Iterator"):
            if key in state:
                yield from tasks(state[key]["States"])
        for branch in state.get("Branches", []):
            yield from tasks(branch["States"])


def test_every_task_retries_lambdas_throttling_and_service_errors_first() -> None:
    for path in ASL_DIR.glob("*.asl.json"):
        for name, task in tasks(json.loads(path.read_text())["States"]):
            first = task.get("Retry", [{}])[0]
            assert set(LAMBDA_ERRORS) <= set(first.get("ErrorEquals", [])), f"{path.name}: {name}"
            assert first["MaxAttempts"] >= 3 and first["BackoffRate"] > 1, f"{path.name}: {name}"


def test_every_error_name_in_the_asl_files_is_a_states_error_or_a_domain_error() -> None:
    known = STATES_ERRORS | set(error_classes()) | set(LAMBDA_ERRORS)
    for path in ASL_DIR.glob("*.asl.json"):
        unknown = set(error_names(json.loads(path.read_text()))) - known
        assert not unknown, f"{path.name}: {sorted(unknown)}"


def test_state_machines_may_only_invoke_their_own_functions(template: dict[str, Any]) -> None:
    for machine in STATE_MACHINES:
        role = machine_resource(template, machine.name)["Properties"]["RoleArn"]["Fn::GetAtt"][0]
        allowed = statements_for(template, role, "lambda:InvokeFunction")
        expected = [{"Fn::GetAtt": [names.function_id(f), "Arn"]} for f in set(machine.functions.values())]
        assert sorted(map(json.dumps, allowed)) == sorted(map(json.dumps, expected))


def test_every_schedule_targets_an_existing_state_machine(template: dict[str, Any]) -> None:
    schedules = resources_of(template, "AWS::Scheduler::Schedule")
    machines = resources_of(template, "AWS::StepFunctions::StateMachine")
    assert set(schedules) == {names.schedule_id(s.name) for s in SCHEDULES}
    for schedule in SCHEDULES:
        properties = schedules[names.schedule_id(schedule.name)]["Properties"]
        target = properties["Target"]["Arn"]["Ref"]
        assert target in machines
        assert target == names.state_machine_id(schedule.state_machine)
        assert properties["ScheduleExpression"] == schedule.expression
        assert properties["FlexibleTimeWindow"] == {"Mode": "OFF"}
        assert json.loads(properties["Target"]["Input"]) == schedule.input


def test_every_schedule_retries_then_leaves_its_run_in_the_dead_letter_queue(
    template: dict[str, Any],
) -> None:
    queue = template["Resources"][DEAD_LETTERS]
    assert queue["Type"] == "AWS::SQS::Queue"
    for schedule in SCHEDULES:
        target = template["Resources"][names.schedule_id(schedule.name)]["Properties"]["Target"]
        assert target["RetryPolicy"]["MaximumRetryAttempts"] >= 1
        assert 60 <= target["RetryPolicy"]["MaximumEventAgeInSeconds"] <= max(60, schedule.rate_seconds)
        assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [DEAD_LETTERS, "Arn"]}}


def test_every_schedule_may_only_start_its_state_machine(template: dict[str, Any]) -> None:
    for schedule in SCHEDULES:
        properties = template["Resources"][names.schedule_id(schedule.name)]["Properties"]
        role = properties["Target"]["RoleArn"]["Fn::GetAtt"][0]
        assert statements_for(template, role, "states:StartExecution") == [properties["Target"]["Arn"]]
        assert statements_for(template, role, "sqs:SendMessage") == [{"Fn::GetAtt": [DEAD_LETTERS, "Arn"]}]
        trust = template["Resources"][role]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        assert [s["Principal"] for s in trust] == [{"Service": "scheduler.amazonaws.com"}]


def test_operators_distributor_schedules_leave_a_run_they_could_not_start_in_the_dead_letter_queue(
    template: dict[str, Any],
) -> None:
    """The API makes the operators' schedules (chalicelib/distributors/schedules.py) with the role and
    the queue the functions' environment names: the role may start the run and leave it in the queue."""
    role = DISTRIBUTOR_SCHEDULER_ROLE
    queue = {"Fn::GetAtt": [DEAD_LETTERS, "Arn"]}
    assert statements_for(template, role, "sqs:SendMessage") == [queue]
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["GUICHET_SCHEDULE_DEAD_LETTERS_ARN"] == queue
