"""Reading the packaged template: resources by type, Fn::Sub resolved for one stack, IAM statements."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

# A stack as the code would see it once deployed.
PSEUDO = {
    "AWS::StackName": "guichet-demo",
    "AWS::Region": "eu-west-1",
    "AWS::AccountId": "123456789012",
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
}
DATA_SERVICES = ("dynamodb:", "states:", "secretsmanager:")


def resources_of(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template["Resources"].items() if r.get("Type") == kind}


def resolve(value: Any, names: dict[str, str] = PSEUDO) -> str:
    """A plain string, a Ref to a pseudo parameter or a one-argument Fn::Sub, resolved for `names`."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and set(value) == {"Ref"}:
        return names[value["Ref"]]
    if isinstance(value, dict) and set(value) == {"Fn::Sub"} and isinstance(value["Fn::Sub"], str):
        return re.sub(r"\$\{([^}!]+)\}", lambda m: names[m.group(1)], value["Fn::Sub"])
    raise ValueError(f"cannot resolve {value!r}")


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def policy_documents(template: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every inline policy document of roles, policies and SAM resources, with its resource's id."""
    for name, resource in template["Resources"].items():
        props = resource.get("Properties", {})
        if "PolicyDocument" in props:
            yield name, props["PolicyDocument"]
        for policy in as_list(props.get("Policies", [])):
            if isinstance(policy, dict) and "PolicyDocument" in policy:
                yield name, policy["PolicyDocument"]
            elif isinstance(policy, dict) and "Statement" in policy:
                yield name, policy


def statements(template: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, document in policy_documents(template):
        for statement in as_list(document["Statement"]):
            yield name, statement


def grants_data_on_everything(statement: dict[str, Any]) -> bool:
    """An Allow of a DynamoDB, Step Functions or Secrets Manager action (or of `*`) on `*`."""
    if statement.get("Effect") != "Allow":
        return False
    actions = [a.lower() for a in as_list(statement.get("Action", []))]
    data = [a for a in actions if a == "*" or a.startswith(DATA_SERVICES)]
    wildcard_action = any(a == "*" or a.endswith(":*") for a in data)
    resources = as_list(statement.get("Resource", []))
    return bool(data) and ("*" in resources or "NotResource" in statement or wildcard_action)


def statements_for(template: dict[str, Any], resource_id: str, action: str) -> list[Any]:
    """The resources that `resource_id`'s policies allow `action` on."""
    found: list[Any] = []
    for name, statement in statements(template):
        if name == resource_id and action in as_list(statement.get("Action", [])):
            found += as_list(statement["Resource"])
    return found
