"""AWS WAF in front of the API: rate limits per address on the routes a bot hammers (WafEnabled)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from infra.aws import names

WEB_ACL = "WebAcl"
ASSOCIATION = "WebAclAssociation"
ENABLED = "WafEnabled"  # the condition
RATE_LIMITED_BODY = "rate_limited"


@dataclass(frozen=True)
class RateRule:
    name: str
    parameter: str  # the stack parameter holding its limit: requests per address per 5 minutes
    default: int
    match: str  # ENDS_WITH or CONTAINS
    path: str
    what: str


# Guest sessions and logins are cheap to ask for and costly to answer (an scrypt hash per login);
# carts and holds take stock out of sale. Limits are per source address over 5 minutes.
RATE_RULES = (
    RateRule("Login", "WafLoginLimit", 100, "ENDS_WITH", "/login", "logins (operators and shoppers)"),
    RateRule("GuestSession", "WafGuestLimit", 100, "ENDS_WITH", "/guest", "new guest sessions"),
    RateRule("Holds", "WafHoldLimit", 300, "CONTAINS", "/holds", "holds placed and released"),
    RateRule("Carts", "WafCartLimit", 600, "CONTAINS", "/carts", "cart requests, holds and checkouts"),
)


def parameters() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {
        "WafEnabled": {
            "Type": "String",
            "Default": "true",
            "AllowedValues": ["true", "false"],
            "Description": "AWS WAF rate limits per address on login, guest, cart and hold routes",
        }
    }
    for rule in RATE_RULES:
        found[rule.parameter] = {
            "Type": "Number",
            "Default": rule.default,
            "MinValue": 10,
            "Description": f"WAF: {rule.what} allowed per address per 5 minutes",
        }
    return found


def visibility(metric: str) -> dict[str, Any]:
    return {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": metric}


def rate_rule(rule: RateRule, priority: int) -> dict[str, Any]:
    path_match = {
        "ByteMatchStatement": {
            "FieldToMatch": {"UriPath": {}},
            "PositionalConstraint": rule.match,
            "SearchString": rule.path,
            "TextTransformations": [{"Priority": 0, "Type": "LOWERCASE"}],
        }
    }
    too_many = {"CustomResponse": {"ResponseCode": 429, "CustomResponseBodyKey": RATE_LIMITED_BODY}}
    return {
        "Name": f"{rule.name}RatePerAddress",
        "Priority": priority,
        "Action": {"Block": too_many},
        "Statement": {
            "RateBasedStatement": {
                "Limit": {"Ref": rule.parameter},
                "EvaluationWindowSec": 300,
                "AggregateKeyType": "IP",
                "ScopeDownStatement": path_match,
            }
        },
        "VisibilityConfig": visibility(f"{rule.name}RatePerAddress"),
    }


def known_bad_inputs(priority: int) -> dict[str, Any]:
    """AWS's managed rules against request patterns of known exploits (Log4j and the like)."""
    return {
        "Name": "KnownBadInputs",
        "Priority": priority,
        "OverrideAction": {"None": {}},
        "Statement": {
            "ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": "AWSManagedRulesKnownBadInputsRuleSet"}
        },
        "VisibilityConfig": visibility("KnownBadInputs"),
    }


def waf_resources() -> dict[str, dict[str, Any]]:
    body = {
        "code": "rate_limited",
        "message": "Too many requests from this address; try again in a few minutes",
        "details": {},
    }
    rules = [known_bad_inputs(0)] + [rate_rule(rule, n + 1) for n, rule in enumerate(RATE_RULES)]
    # ${RestAPI.Stage}: SAM's reference to the stage it generates, so the association waits for it.
    stage_arn = "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${RestAPI}"
    stage_arn += "/stages/${RestAPI.Stage}"
    return {
        WEB_ACL: {
            "Type": "AWS::WAFv2::WebACL",
            "Condition": ENABLED,
            "Properties": {
                "Name": names.stack_name("api"),
                "Scope": "REGIONAL",
                "DefaultAction": {"Allow": {}},
                "CustomResponseBodies": {
                    RATE_LIMITED_BODY: {"ContentType": "APPLICATION_JSON", "Content": json.dumps(body)}
                },
                "Rules": rules,
                "VisibilityConfig": visibility("GuichetApi"),
            },
        },
        ASSOCIATION: {
            "Type": "AWS::WAFv2::WebACLAssociation",
            "Condition": ENABLED,
            "Properties": {"ResourceArn": {"Fn::Sub": stage_arn}, "WebACLArn": names.get_arn(WEB_ACL)},
        },
    }
