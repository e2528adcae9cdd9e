"""Running the packaged stack: sizing, logs, stage throttling, gateway answers, WAF, alarms, the rules."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from chalicelib.workflows.catalogue import STATE_MACHINES
from infra.aws import names
from infra.aws.functions import API_GATEWAY_TIMEOUT_SECONDS, configured, stack_functions
from infra.aws.package import CHALICE_STAGE
from tests.infra.cfn import resolve, resources_of


def test_chalices_configuration_is_read_most_specific_first() -> None:
    config = {
        "lambda_memory_size": 256,
        "lambda_functions": {"f": {"lambda_timeout": 20}},
        "stages": {"prod": {"lambda_timeout": 10, "lambda_functions": {"f": {"lambda_memory_size": 512}}}},
    }
    assert configured("f", "prod", config) == (512, 10)
    assert configured("g", "prod", config) == (256, 10)
    assert configured("f", "dev", config) == (256, 20)
    assert configured("g", "dev", {}) == (128, 60)  # chalice's own defaults


def test_each_function_has_the_memory_and_timeout_chalices_configuration_gives_it(
    template: dict[str, Any],
) -> None:
    functions = resources_of(template, "AWS::Serverless::Function")
    for function in stack_functions(CHALICE_STAGE):
        properties = functions[function.logical_id]["Properties"]
        assert (properties["MemorySize"], properties["Timeout"]) == (
            function.memory_mb,
            function.timeout_seconds,
        ), function.name


def test_the_api_function_gives_up_before_api_gateway_does(template: dict[str, Any]) -> None:
    # Past 29 s API Gateway answers 504 while the function goes on changing orders and stock.
    timeout = template["Resources"][names.API_HANDLER]["Properties"]["Timeout"]
    assert timeout < API_GATEWAY_TIMEOUT_SECONDS


def test_each_function_logs_to_a_group_of_its_own_that_expires(template: dict[str, Any]) -> None:
    groups = resources_of(template, "AWS::Logs::LogGroup")
    for name, function in resources_of(template, "AWS::Serverless::Function").items():
        group_id = function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
        group = groups[group_id]["Properties"]
        assert resolve(group["LogGroupName"]) == f"/aws/lambda/guichet-demo-{name}"
        assert group["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    assert template["Parameters"]["LogRetentionDays"]["Default"] in (14, 30, 60, 90)


def test_the_stage_is_throttled_traced_and_writes_access_logs(template: dict[str, Any]) -> None:
    api = template["Resources"][names.REST_API]["Properties"]
    [settings] = api["MethodSettings"]
    assert (settings["ResourcePath"], settings["HttpMethod"]) == ("/*", "*")
    assert settings["ThrottlingRateLimit"] == {"Ref": "ApiRateLimit"}
    assert settings["ThrottlingBurstLimit"] == {"Ref": "ApiBurstLimit"}
    logs = api["AccessLogSetting"]
    assert logs["DestinationArn"]["Fn::GetAtt"][0] in resources_of(template, "AWS::Logs::LogGroup")
    assert "$context.identity.sourceIp" in logs["Format"] and "$context.status" in logs["Format"]
    assert api["TracingEnabled"] is True


@pytest.mark.parametrize(
    ("gateway_error", "status", "code"),
    [
        ("MISSING_AUTHENTICATION_TOKEN", 404, "not_found"),  # API Gateway's answer to an unknown route
        ("REQUEST_TOO_LARGE", 413, "body_too_large"),
        ("UNSUPPORTED_MEDIA_TYPE", 415, "unsupported_media_type"),
        ("THROTTLED", 429, "throttled"),
    ],
)
def test_api_gateways_own_refusals_answer_in_the_documented_shape(
    template: dict[str, Any], gateway_error: str, status: int, code: str
) -> None:
    response = template["Resources"][names.REST_API]["Properties"]["GatewayResponses"][gateway_error]
    assert response["StatusCode"] == status
    body = json.loads(response["ResponseTemplates"]["application/json"])
    assert body["code"] == code and set(body) == {"code", "message", "details"}
    assert response["ResponseParameters"]["Headers"]["Content-Type"] == "'application/json'"


def rate_rules(template: dict[str, Any]) -> list[dict[str, Any]]:
    acl = resources_of(template, "AWS::WAFv2::WebACL")["WebAcl"]["Properties"]
    return [r for r in acl["Rules"] if "RateBasedStatement" in r["Statement"]]


def limited(rule: dict[str, Any], path: str) -> bool:
    match = rule["Statement"]["RateBasedStatement"]["ScopeDownStatement"]["ByteMatchStatement"]
    path = path.lower()
    if match["PositionalConstraint"] == "ENDS_WITH":
        return path.endswith(match["SearchString"])
    return match["SearchString"] in path


def example(route: str) -> str:
    return "/api" + re.sub(r"\{[^}]+\}", "x1", route)


def test_waf_rate_limits_every_guest_cart_hold_and_login_route_per_address(template: dict[str, Any]) -> None:
    from app import app  # noqa: F401 - registers the routes
    from chalicelib.api.routing import ROUTES

    guarded = [r.path for r in ROUTES if re.search(r"/(guest|carts|holds|login)(/|$)", r.path)]
    assert any(p.endswith("/holds") for p in guarded) and any(p.endswith("/login") for p in guarded)
    rules = rate_rules(template)
    for path in guarded:
        assert any(limited(rule, example(path)) for rule in rules), path
    assert not any(limited(rule, example("/shop/{org_id}/events")) for rule in rules)
    for rule in rules:
        statement = rule["Statement"]["RateBasedStatement"]
        assert statement["AggregateKeyType"] == "IP"
        assert rule["Action"]["Block"]["CustomResponse"]["ResponseCode"] == 429
        assert template["Parameters"][statement["Limit"]["Ref"]]["Type"] == "Number"


def test_waf_is_on_by_default_and_guards_the_apis_stage(template: dict[str, Any]) -> None:
    assert template["Parameters"]["WafEnabled"]["Default"] == "true"
    association = resources_of(template, "AWS::WAFv2::WebACLAssociation")["WebAclAssociation"]
    assert association["Condition"] == "WafEnabled"
    stage = association["Properties"]["ResourceArn"]["Fn::Sub"]
    assert stage.endswith("/restapis/${RestAPI}/stages/${RestAPI.Stage}")


def alarms(template: dict[str, Any]) -> list[dict[str, Any]]:
    found = [a["Properties"] for a in resources_of(template, "AWS::CloudWatch::Alarm").values()]
    for alarm in found:
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    return found


def watched(template: dict[str, Any], metric: str) -> list[Any]:
    return [
        [d["Value"] for d in alarm.get("Dimensions", [])]
        for alarm in alarms(template)
        if alarm["MetricName"] == metric
    ]


def test_alarms_watch_errors_throttles_failed_runs_dead_letters_and_mail(template: dict[str, Any]) -> None:
    functions = resources_of(template, "AWS::Serverless::Function")
    expected = sorted(([{"Ref": f}] for f in functions), key=str)
    assert sorted(watched(template, "Throttles"), key=str) == expected
    machines = [[{"Ref": names.state_machine_id(m.name)}] for m in STATE_MACHINES]
    assert sorted(watched(template, "ExecutionsFailed"), key=str) == sorted(machines, key=str)
    assert watched(template, "5XXError") == [["guichet", "api"]]
    assert watched(template, "ApproximateNumberOfMessagesVisible") == [
        [{"Fn::GetAtt": ["ScheduleDeadLetters", "QueueName"]}]
    ]
    assert watched(template, "Reputation.BounceRate") == [[]]
    assert watched(template, "Reputation.ComplaintRate") == [[]]


def holds(condition: Any, values: dict[str, str]) -> bool:
    """CloudFormation's rule functions, enough of them for the stack's rules."""
    if "Ref" in condition:
        return values[condition["Ref"]]  # type: ignore[return-value]
    if "Fn::Equals" in condition:
        left, right = (holds(c, values) if isinstance(c, dict) else c for c in condition["Fn::Equals"])
        return left == right
    if "Fn::Not" in condition:
        return not holds(condition["Fn::Not"][0], values)
    raise ValueError(condition)


def accepted(template: dict[str, Any], **given: str) -> bool:
    values = {k: str(p.get("Default", "")) for k, p in template["Parameters"].items()} | given
    return all(
        all(holds(a["Assert"], values) for a in rule["Assertions"])
        for rule in template["Rules"].values()
        if holds(rule.get("RuleCondition", {"Fn::Equals": ["a", "a"]}), values)
    )


ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:guichet/stripe-AbCdEf"


def test_the_stack_refuses_the_simulator_unless_marked_as_a_test_stack(template: dict[str, Any]) -> None:
    assert not accepted(template, PaymentProvider="simulated")
    assert not accepted(template, PaymentProvider="simulated", TestStack="false")
    assert accepted(template, PaymentProvider="simulated", TestStack="true")
    assert template["Parameters"]["TestStack"]["Default"] == "false"


def test_the_stack_takes_real_payments_by_default_and_refuses_stripe_without_keys(
    template: dict[str, Any],
) -> None:
    assert template["Parameters"]["PaymentProvider"]["Default"] == "stripe"
    assert not accepted(template)
    assert accepted(template, StripeSecretArn=ARN)
    assert re.fullmatch(template["Parameters"]["StripeSecretArn"]["AllowedPattern"], ARN)


def test_the_public_url_must_be_given_and_https(template: dict[str, Any]) -> None:
    public_url = template["Parameters"]["PublicUrl"]
    assert "Default" not in public_url  # CloudFormation refuses a stack created without it
    assert re.fullmatch(public_url["AllowedPattern"], "https://tickets.example.org")
    assert not re.fullmatch(public_url["AllowedPattern"], "http://tickets.example.org")
