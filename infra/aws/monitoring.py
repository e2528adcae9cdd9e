"""Logs that expire and alarms that reach an operator: 5xx, throttles, failed runs, dead letters, SES."""

from __future__ import annotations

from typing import Any

from chalicelib.workflows.catalogue import STATE_MACHINES
from infra.aws import names
from infra.aws.functions import Function
from infra.aws.workflows import DEAD_LETTERS

ALARM_TOPIC = "AlarmTopic"
HAS_ALARM_EMAIL = "HasAlarmEmail"
API_NAME = "guichet"  # the REST API's name: chalice's app_name
# SES pauses sending for an account whose bounce rate passes 10% or complaint rate 0.5%: warn well before.
BOUNCE_RATE = 0.05
COMPLAINT_RATE = 0.001


def log_group_id(function: Function) -> str:
    return function.logical_id + "LogGroup"


def log_group(function: Function) -> dict[str, Any]:
    return {
        "Type": "AWS::Logs::LogGroup",
        "Properties": {
            "LogGroupName": function.log_group_name,
            "RetentionInDays": {"Ref": "LogRetentionDays"},
        },
    }


def alarm(description: str, namespace: str, metric: str, **settings: Any) -> dict[str, Any]:
    properties = {
        "AlarmDescription": description,
        "Namespace": namespace,
        "MetricName": metric,
        "Statistic": "Sum",
        "Period": 300,
        "EvaluationPeriods": 1,
        "Threshold": 1,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "TreatMissingData": "notBreaching",
        "AlarmActions": [names.ref(ALARM_TOPIC)],
        "OKActions": [names.ref(ALARM_TOPIC)],
        **settings,
    }
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": properties}


def dimension(name: str, value: Any) -> list[dict[str, Any]]:
    return [{"Name": name, "Value": value}]


def function_alarms(functions: list[Function]) -> dict[str, dict[str, Any]]:
    return {
        f"{f.logical_id}ThrottlesAlarm": alarm(
            f"Lambda throttled {f.name}: raise its reserved or the account's concurrency",
            "AWS/Lambda",
            "Throttles",
            Dimensions=dimension("FunctionName", names.ref(f.logical_id)),
        )
        for f in functions
    }


def workflow_alarms() -> dict[str, dict[str, Any]]:
    found = {
        f"{names.state_machine_id(m.name)}FailedAlarm": alarm(
            f"A {m.name} run failed: see its run record on the admin page",
            "AWS/States",
            "ExecutionsFailed",
            Dimensions=dimension("StateMachineArn", names.ref(names.state_machine_id(m.name))),
        )
        for m in STATE_MACHINES
    }
    found["ScheduleDeadLettersAlarm"] = alarm(
        "A scheduled run could not be started: its event waits in the schedules' dead-letter queue",
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        Statistic="Maximum",
        Dimensions=dimension("QueueName", {"Fn::GetAtt": [DEAD_LETTERS, "QueueName"]}),
    )
    return found


def api_and_mail_alarms(api_stage: str) -> dict[str, dict[str, Any]]:
    api = [{"Name": "ApiName", "Value": API_NAME}, {"Name": "Stage", "Value": api_stage}]
    return {
        "Api5xxAlarm": alarm(
            "The API answered 5xx at least 5 times in 5 minutes", "AWS/ApiGateway", "5XXError",
            Threshold=5, Dimensions=api,
        ),
        "SesBounceRateAlarm": alarm(
            "SES bounce rate above 5%: SES pauses the account at 10%", "AWS/SES", "Reputation.BounceRate",
            Statistic="Maximum", Threshold=BOUNCE_RATE,
        ),
        "SesComplaintRateAlarm": alarm(
            "SES complaint rate above 0.1%: SES pauses the account at 0.5%", "AWS/SES",
            "Reputation.ComplaintRate", Statistic="Maximum", Threshold=COMPLAINT_RATE,
        ),
    }


def monitoring_resources(functions: list[Function], api_stage: str) -> dict[str, dict[str, Any]]:
    # Not encrypted with SNS's AWS-managed key: CloudWatch alarms cannot publish to such a topic.
    topic = {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": names.stack_name("alarms")}}
    subscription = {
        "Type": "AWS::SNS::Subscription",
        "Condition": HAS_ALARM_EMAIL,
        "Properties": {
            "TopicArn": names.ref(ALARM_TOPIC),
            "Protocol": "email",
            "Endpoint": {"Ref": "AlarmEmail"},
        },
    }
    return {
        ALARM_TOPIC: topic,
        "AlarmEmailSubscription": subscription,
        **{log_group_id(f): log_group(f) for f in functions},
        **function_alarms(functions),
        **workflow_alarms(),
        **api_and_mail_alarms(api_stage),
    }
