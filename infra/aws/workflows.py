"""State machines from statemachines/*.asl.json and the EventBridge schedules that start them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from chalicelib.workflows.catalogue import SCHEDULES, STATE_MACHINES, Schedule, StateMachine
from infra.aws import iam, names

ROOT = Path(__file__).resolve().parents[2]
ASL_DIR = ROOT / "statemachines"
# Where Scheduler puts a run it could not start after its retries (an alarm watches it).
DEAD_LETTERS = "ScheduleDeadLetters"
# Operators' schedules of distributor interfaces (chalicelib/distributors/schedules.py): made by the API
# in this group, started with this role; deleting the stack deletes the group and its schedules.
DISTRIBUTOR_SCHEDULE_GROUP = "DistributorScheduleGroup"
DISTRIBUTOR_SCHEDULER_ROLE = "DistributorSchedulerRole"
DISTRIBUTOR_RUN = "distributor-run"
SCHEDULE_RETRIES = 3
FOURTEEN_DAYS = 14 * 24 * 3600


def asl_path(machine: StateMachine) -> Path:
    return ASL_DIR / f"{machine.name}.asl.json"


def definition_string(machine: StateMachine) -> str:
    """The ASL file as written, re-serialised compactly; its ${Placeholders} stay for CloudFormation."""
    return json.dumps(json.loads(asl_path(machine).read_text()), separators=(",", ":"))


def state_machine_resources(machine: StateMachine) -> dict[str, dict[str, Any]]:
    logical_id = names.state_machine_id(machine.name)
    role_id = logical_id + "Role"
    functions = [names.get_arn(names.function_id(f)) for f in sorted(set(machine.functions.values()))]
    policy = iam.document(iam.statement(["lambda:InvokeFunction"], functions))
    machine_resource = {
        "Type": "AWS::StepFunctions::StateMachine",
        "Properties": {
            "StateMachineName": names.stack_name(machine.name),
            "StateMachineType": "STANDARD",
            "DefinitionString": definition_string(machine),
            "DefinitionSubstitutions": {
                placeholder: names.get_arn(names.function_id(function))
                for placeholder, function in machine.functions.items()
            },
            "RoleArn": names.get_arn(role_id),
        },
    }
    return {
        logical_id: machine_resource,
        role_id: iam.service_role("states.amazonaws.com", "InvokeWorkflowFunctions", policy),
    }


def schedule_resources(schedule: Schedule) -> dict[str, dict[str, Any]]:
    logical_id = names.schedule_id(schedule.name)
    role_id = logical_id + "Role"
    machine = names.ref(names.state_machine_id(schedule.state_machine))
    policy = iam.document(
        iam.statement(["states:StartExecution"], [machine]),
        iam.statement(["sqs:SendMessage"], [names.get_arn(DEAD_LETTERS)]),
    )
    schedule_resource = {
        "Type": "AWS::Scheduler::Schedule",
        "Properties": {
            "Name": names.stack_name(schedule.name),
            "ScheduleExpression": schedule.expression,
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "State": "ENABLED",
            "Target": {
                "Arn": machine,
                "RoleArn": names.get_arn(role_id),
                "Input": json.dumps(schedule.input),
                # A run older than the schedule's period is overtaken by the next one: not worth starting.
                "RetryPolicy": {
                    "MaximumEventAgeInSeconds": max(60, schedule.rate_seconds),
                    "MaximumRetryAttempts": SCHEDULE_RETRIES,
                },
                "DeadLetterConfig": {"Arn": names.get_arn(DEAD_LETTERS)},
            },
        },
    }
    return {
        logical_id: schedule_resource,
        role_id: iam.service_role("scheduler.amazonaws.com", "StartWorkflow", policy),
    }


def dead_letter_queue() -> dict[str, Any]:
    return {
        "Type": "AWS::SQS::Queue",
        "Properties": {
            "QueueName": names.stack_name("schedule-dead-letters"),
            "MessageRetentionPeriod": FOURTEEN_DAYS,
            "SqsManagedSseEnabled": True,
        },
    }


def distributor_schedule_resources() -> dict[str, dict[str, Any]]:
    # the machine's ARN by name, not by Ref: every function's environment names this role, and the
    # machine refers to the functions
    machine = names.state_machine_arn(DISTRIBUTOR_RUN)
    policy = iam.document(
        iam.statement(["states:StartExecution"], [machine]),
        iam.statement(["sqs:SendMessage"], [names.get_arn(DEAD_LETTERS)]),
    )
    return {
        DISTRIBUTOR_SCHEDULE_GROUP: {
            "Type": "AWS::Scheduler::ScheduleGroup",
            "Properties": {"Name": names.stack_name("distributors")},
        },
        DISTRIBUTOR_SCHEDULER_ROLE: iam.service_role(
            "scheduler.amazonaws.com", "StartDistributorRuns", policy
        ),
    }


def workflow_resources() -> dict[str, dict[str, Any]]:
    resources: dict[str, dict[str, Any]] = {DEAD_LETTERS: dead_letter_queue()}
    resources.update(distributor_schedule_resources())
    for machine in STATE_MACHINES:
        resources.update(state_machine_resources(machine))
    for schedule in SCHEDULES:
        resources.update(schedule_resources(schedule))
    return resources


def workflow_outputs() -> dict[str, dict[str, Any]]:
    return {
        names.state_machine_id(m.name) + "Arn": {"Value": names.ref(names.state_machine_id(m.name))}
        for m in STATE_MACHINES
    }
