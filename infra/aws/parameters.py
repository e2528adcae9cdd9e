"""The stack's parameters, and the rules CloudFormation checks before it creates or changes anything."""

from __future__ import annotations

from typing import Any

from infra.aws import waf

# CloudWatch Logs accepts only these retentions.
RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192]
RETENTION_DAYS += [2557, 2922, 3288, 3653]
SIMULATED, STRIPE = "simulated", "stripe"
SECRET_ARN = "^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+)?$"


def payment_parameters() -> dict[str, dict[str, Any]]:
    return {
        "PaymentProvider": {
            "Type": "String",
            "Default": STRIPE,
            "AllowedValues": [STRIPE, SIMULATED],
            "Description": "Card payments: 'stripe' (keys in StripeSecretArn), or 'simulated', which takes "
            "no money and is allowed only with TestStack=true",
        },
        "StripeSecretArn": {
            "Type": "String",
            "Default": "",
            "AllowedPattern": SECRET_ARN,
            "ConstraintDescription": "the ARN of a Secrets Manager secret, or empty",
            "Description": "Secrets Manager secret of the Stripe keys (docs/deploy.md); needed with stripe",
        },
        "TestStack": {
            "Type": "String",
            "Default": "false",
            "AllowedValues": ["true", "false"],
            "Description": "true only for a stack that sells nothing real: allows the payment simulator",
        },
    }


def service_parameters() -> dict[str, dict[str, Any]]:
    return {
        "MailFrom": {
            "Type": "String",
            "Default": "tickets@example.com",
            "AllowedPattern": "^[^@\\s]+@[^@\\s]+$",
            "Description": "Sender of customer emails: an SES identity verified in this account and region",
        },
        # No default: payment pages, returns and callbacks must never be built from a request's Host.
        "PublicUrl": {
            "Type": "String",
            "AllowedPattern": "^https://[^\\s/]+(/[^\\s]*)?$",
            "ConstraintDescription": "an https:// address",
            "Description": "The API's public https address (a custom domain mapped to the stage)",
        },
        "LogRetentionDays": {
            "Type": "Number",
            "Default": 30,
            "AllowedValues": RETENTION_DAYS,
            "Description": "Days the functions' and the API's logs are kept",
        },
        "ApiRateLimit": {
            "Type": "Number",
            "Default": 500,
            "MinValue": 1,
            "Description": "API Gateway stage throttling: steady requests per second, all clients together",
        },
        "ApiBurstLimit": {
            "Type": "Number",
            "Default": 1000,
            "MinValue": 1,
            "Description": "API Gateway stage throttling: burst of requests, all clients together",
        },
        "AlarmEmail": {
            "Type": "String",
            "Default": "",
            "Description": "An address the alarms are sent to (confirm the subscription email); empty: none",
        },
    }


def parameters() -> dict[str, dict[str, Any]]:
    """What an operator sets when deploying (`make deploy ... PARAMS="MailFrom=..."`)."""
    return {**service_parameters(), **payment_parameters(), **waf.parameters()}


def rules() -> dict[str, Any]:
    """Checked by CloudFormation before any change: a stack never runs without a real provider unless
    it is declared a test stack, and never names Stripe without its keys."""
    provider = {"Ref": "PaymentProvider"}
    return {
        "SimulatorOnlyOnTestStacks": {
            "RuleCondition": {"Fn::Equals": [provider, SIMULATED]},
            "Assertions": [
                {
                    "Assert": {"Fn::Equals": [{"Ref": "TestStack"}, "true"]},
                    "AssertDescription": "PaymentProvider=simulated takes no money: only with TestStack=true",
                }
            ],
        },
        "StripeNeedsItsKeys": {
            "RuleCondition": {"Fn::Equals": [provider, STRIPE]},
            "Assertions": [
                {
                    "Assert": {"Fn::Not": [{"Fn::Equals": [{"Ref": "StripeSecretArn"}, ""]}]},
                    "AssertDescription": "PaymentProvider=stripe needs StripeSecretArn",
                }
            ],
        },
    }
