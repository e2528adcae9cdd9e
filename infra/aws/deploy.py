"""The `aws cloudformation deploy` step with boto3: a change set, executed, waited for."""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any

import boto3
from botocore.exceptions import ClientError, WaiterError

from infra.aws.artifacts import upload_artifacts, upload_template
from infra.aws.package import package

# The stack name prefixes tables, state machines, schedules and function log groups; the longest
# schedule name ("<stack>-hold-cleanup-every-minute") must stay within Scheduler's 64 characters.
STACK_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,29}")
# SAM needs AUTO_EXPAND; the roles are unnamed, so CAPABILITY_IAM suffices.
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"]
NO_CHANGES = ("didn't contain changes", "No updates are to be performed")
STACK_WAIT = {"Delay": 15, "MaxAttempts": 240}  # an hour at most


class DeployError(RuntimeError):
    """A deployment cannot start or did not complete; the message says what to do."""


def session_for(region: str | None) -> boto3.session.Session:
    session = boto3.session.Session(region_name=region)
    if not session.region_name:
        raise DeployError("No AWS region: pass --region or set AWS_REGION")
    return session


def check_stack_name(stack: str) -> None:
    if not STACK_NAME.fullmatch(stack):
        raise DeployError(f"Stack name {stack!r}: use 1 to 30 letters, digits or '-', starting with a letter")


def check_bucket_region(s3: Any, bucket: str, region: str) -> None:
    """Lambda only takes code from a bucket in the function's own region."""
    try:
        location = s3.get_bucket_location(Bucket=bucket).get("LocationConstraint")
    except ClientError as exc:
        raise DeployError(f"Cannot use bucket {bucket!r}: {exc}") from exc
    bucket_region = {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(location, location)
    if bucket_region != region:
        raise DeployError(f"Bucket {bucket!r} is in {bucket_region}, the stack in {region}: use one region")


def change_set_type(cfn: Any, stack: str) -> str:
    try:
        status = cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
    except ClientError as exc:
        # A missing stack is only a ValidationError whose message says so (as the AWS CLI tests it).
        if "does not exist" in str(exc):
            return "CREATE"
        raise
    if status == "REVIEW_IN_PROGRESS":  # created by a change set that was never executed
        return "CREATE"
    if status == "ROLLBACK_COMPLETE":
        raise DeployError(f"Stack {stack} failed to create and was rolled back: delete it, then deploy again")
    if status.endswith("_IN_PROGRESS"):
        raise DeployError(f"Stack {stack} is busy ({status}); deploy again when it has settled")
    return "UPDATE"


def create_change_set(
    cfn: Any, stack: str, template_url: str, kind: str, parameters: dict[str, str] | None = None
) -> str | None:
    """The change set's name, or None when the template changes nothing (the change set is removed).

    Parameters not given keep their previous value on an update (their default on a creation).
    """
    name = f"guichet-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
    given = parameters or {}
    values = [{"ParameterKey": key, "ParameterValue": value} for key, value in sorted(given.items())]
    if kind == "UPDATE":
        declared = cfn.get_template_summary(StackName=stack).get("Parameters", [])
        values += [
            {"ParameterKey": p["ParameterKey"], "UsePreviousValue": True}
            for p in declared
            if p["ParameterKey"] not in given
        ]
    cfn.create_change_set(
        StackName=stack,
        ChangeSetName=name,
        ChangeSetType=kind,
        TemplateURL=template_url,
        Capabilities=CAPABILITIES,
        Parameters=values,
        Tags=[{"Key": "app", "Value": "guichet"}],
    )
    try:
        cfn.get_waiter("change_set_create_complete").wait(
            StackName=stack, ChangeSetName=name, WaiterConfig={"Delay": 5, "MaxAttempts": 120}
        )
    except WaiterError as exc:
        reason = cfn.describe_change_set(StackName=stack, ChangeSetName=name).get("StatusReason", "")
        if any(marker in reason for marker in NO_CHANGES):
            cfn.delete_change_set(StackName=stack, ChangeSetName=name)
            return None
        raise DeployError(f"Change set {name} failed: {reason or exc}") from exc
    return name


def failure_reasons(cfn: Any, stack: str, limit: int = 10) -> list[str]:
    events = cfn.describe_stack_events(StackName=stack)["StackEvents"]
    failed = [e for e in events if e.get("ResourceStatus", "").endswith("_FAILED")]
    return [f"{e['LogicalResourceId']}: {e.get('ResourceStatusReason', '')}" for e in failed[:limit]]


def execute_change_set(cfn: Any, stack: str, name: str, kind: str) -> None:
    cfn.execute_change_set(StackName=stack, ChangeSetName=name)
    waiter = "stack_create_complete" if kind == "CREATE" else "stack_update_complete"
    try:
        cfn.get_waiter(waiter).wait(StackName=stack, WaiterConfig=STACK_WAIT)
    except WaiterError as exc:
        reasons = "\n  ".join(failure_reasons(cfn, stack)) or str(exc)
        raise DeployError(f"Stack {stack} did not {kind.lower()}:\n  {reasons}") from exc


def deploy_template(
    cfn: Any, stack: str, template_url: str, parameters: dict[str, str] | None = None
) -> bool:
    """Create or update the stack from the template; False when it was already up to date."""
    kind = change_set_type(cfn, stack)
    name = create_change_set(cfn, stack, template_url, kind, parameters)
    if name is None:
        return False
    execute_change_set(cfn, stack, name, kind)
    return True


def effective_parameters(
    cfn: Any, stack: str, kind: str, declared: dict[str, Any], given: dict[str, str]
) -> dict[str, str]:
    """The values the stack will run with: those given, else the stack's current ones, else defaults."""
    values = {key: str(spec["Default"]) for key, spec in declared.items() if "Default" in spec}
    if kind == "UPDATE":
        current = cfn.describe_stacks(StackName=stack)["Stacks"][0].get("Parameters", [])
        values.update(
            {p["ParameterKey"]: p.get("ParameterValue", "") for p in current if p["ParameterKey"] in declared}
        )
    values.update(given)
    return values


def check_parameters(declared: dict[str, Any], values: dict[str, str]) -> None:
    """Refuse what would sell tickets without taking money, or build links from a request's Host."""
    provider = values.get("PaymentProvider")
    if "PaymentProvider" in declared and provider != "stripe" and values.get("TestStack") != "true":
        raise DeployError(
            f"PaymentProvider={provider} takes no money: anyone could mark their order paid. Deploy with "
            "PaymentProvider=stripe and StripeSecretArn=<arn> (docs/deploy.md), or mark a stack that "
            "sells nothing real as a test stack (--test-stack, or TEST_STACK=1 with make)"
        )
    if "PaymentProvider" in declared and provider == "stripe" and not values.get("StripeSecretArn"):
        raise DeployError("PaymentProvider=stripe needs StripeSecretArn=<the ARN of the Stripe keys' secret>")
    if "PublicUrl" in declared and not values.get("PublicUrl", "").startswith("https://"):
        raise DeployError(
            "PublicUrl=https://... is required: payment pages, returns and Stripe's webhook are built from it"
        )


def stack_outputs(cfn: Any, stack: str) -> dict[str, str]:
    try:
        described = cfn.describe_stacks(StackName=stack)["Stacks"][0]
    except ClientError as exc:
        raise DeployError(f"Cannot read stack {stack}: {exc}") from exc
    return {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}


def deploy(
    stack: str, bucket: str, region: str | None = None, parameters: dict[str, str] | None = None
) -> dict[str, str]:
    """Package, upload, create or update the stack; returns its outputs."""
    check_stack_name(stack)
    session = session_for(region)
    s3, cfn = session.client("s3"), session.client("cloudformation")
    check_bucket_region(s3, bucket, session.region_name)
    built = package(region=session.region_name)
    template = json.loads(built.template.read_text())
    declared = template.get("Parameters", {})
    kind = change_set_type(cfn, stack)
    check_parameters(declared, effective_parameters(cfn, stack, kind, declared, parameters or {}))
    prefix = f"guichet/{stack}"
    template = upload_artifacts(template, built.directory, s3, bucket, prefix)
    template_url = upload_template(template, s3, bucket, prefix)
    changed = deploy_template(cfn, stack, template_url, parameters)
    print(f"Stack {stack} {'deployed' if changed else 'already up to date'}.")
    return stack_outputs(cfn, stack)
