"""API Gateway: stage throttling, access logs, and its own answers in the API's error shape."""

from __future__ import annotations

import json
from typing import Any

from infra.aws import iam, names

ACCESS_LOGS = "ApiAccessLogs"
ACCOUNT = "ApiGatewayAccount"
ACCOUNT_ROLE = "ApiGatewayCloudWatchRole"
# One line per request; the fields an operator looks for after a complaint or an attack.
ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "ip": "$context.identity.sourceIp",
        "time": "$context.requestTime",
        "method": "$context.httpMethod",
        "path": "$context.path",
        "status": "$context.status",
        "length": "$context.responseLength",
        "latencyMs": "$context.responseLatency",
        "wafStatus": "$context.waf.status",
        "userAgent": "$context.identity.userAgent",
    },
    separators=(",", ":"),
)
# API Gateway's own refusals (no Lambda involved), answered as the API answers its errors:
# {"code", "message", "details"}. An unknown route is a 404, not API Gateway's 403.
GATEWAY_ERRORS = {
    "MISSING_AUTHENTICATION_TOKEN": (404, "not_found", "No such route"),
    "RESOURCE_NOT_FOUND": (404, "not_found", "No such route"),
    "REQUEST_TOO_LARGE": (413, "body_too_large", "The request body is larger than the API accepts"),
    "UNSUPPORTED_MEDIA_TYPE": (415, "unsupported_media_type", "Send the body as application/json"),
    "THROTTLED": (429, "throttled", "Too many requests; try again in a moment"),
    "QUOTA_EXCEEDED": (429, "throttled", "Too many requests; try again later"),
    "WAF_FILTERED": (403, "request_blocked", "The request was refused by the firewall"),
    "DEFAULT_4XX": (None, "bad_request", "The request was refused before reaching the API"),
    "DEFAULT_5XX": (None, "internal_error", "Something went wrong on our side; try again shortly"),
}


def error_template(code: str, message: str) -> str:
    return json.dumps({"code": code, "message": message, "details": {}}, separators=(",", ":"))


def gateway_responses() -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for kind, (status, code, message) in GATEWAY_ERRORS.items():
        response: dict[str, Any] = {
            "ResponseTemplates": {"application/json": error_template(code, message)},
            "ResponseParameters": {"Headers": {"Content-Type": "'application/json'"}},
        }
        if status is not None:
            response["StatusCode"] = status
        responses[kind] = response
    return responses


def rest_api_override(api_stage: str) -> dict[str, Any]:
    """Merged into chalice's AWS::Serverless::Api: stage throttling, access logs, gateway answers."""
    return {
        "DependsOn": [ACCOUNT],
        "Properties": {
            "MethodSettings": [
                {
                    "ResourcePath": "/*",
                    "HttpMethod": "*",
                    "ThrottlingRateLimit": {"Ref": "ApiRateLimit"},
                    "ThrottlingBurstLimit": {"Ref": "ApiBurstLimit"},
                    "MetricsEnabled": True,
                }
            ],
            "AccessLogSetting": {
                "DestinationArn": names.get_arn(ACCESS_LOGS),
                "Format": ACCESS_LOG_FORMAT,
            },
            "GatewayResponses": gateway_responses(),
            # X-Ray samples requests at the stage (a few per second): where the time of a slow one went
            "TracingEnabled": True,
        },
    }


def api_resources() -> dict[str, dict[str, Any]]:
    # API Gateway writes access logs through one role per account and region. The stack sets it;
    # role and setting are kept when the stack is deleted, so other stacks' logs keep flowing.
    logs = iam.statement(
        [
            "logs:CreateLogGroup",
            "logs:CreateLogStream",
            "logs:DescribeLogGroups",
            "logs:DescribeLogStreams",
            "logs:PutLogEvents",
        ],
        [names.arn("logs", "log-group:*")],
    )
    role = iam.service_role("apigateway.amazonaws.com", "PushToCloudWatchLogs", iam.document(logs))
    return {
        ACCESS_LOGS: {
            "Type": "AWS::Logs::LogGroup",
            "Properties": {
                "LogGroupName": {"Fn::Sub": "/aws/apigateway/${AWS::StackName}-access"},
                "RetentionInDays": {"Ref": "LogRetentionDays"},
            },
        },
        ACCOUNT_ROLE: {**role, "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"},
        ACCOUNT: {
            "Type": "AWS::ApiGateway::Account",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {"CloudWatchRoleArn": names.get_arn(ACCOUNT_ROLE)},
        },
    }
