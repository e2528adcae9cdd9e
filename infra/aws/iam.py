"""IAM: one role per function with only the actions it uses, scoped to this stack's own resources."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.db.tables import TABLES
from chalicelib.workflows.catalogue import STATE_MACHINES
from infra.aws import names
from infra.aws.functions import Function

# What PynamoDB does for the application: items, queries and transactions (whose IAM check is the
# per-item action), plus DescribeTable, which PynamoDB calls before its first request. No Scan: the
# code never scans. Deletes and batch writes are granted only to the functions that make them.
DYNAMODB_READ_WRITE = (
    "dynamodb:BatchGetItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
)
# The log group exists before the function (monitoring.py): writing to it is all a function does.
LOG_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")
# The card provider's keys: the simulator signs with the token secret, Stripe's are in their own.
PAYMENT_SECRETS = (names.TOKEN_SECRET, names.STRIPE_SECRET)


@dataclass(frozen=True)
class Grants:
    """What one function's code does beyond reading and writing items."""

    delete_items: bool = False
    batch_write_tables: tuple[str, ...] = ()  # logical table names (chalicelib/db), or ALL_TABLES
    secrets: tuple[str, ...] = ()  # logical ids of the stack's secrets it reads
    start_workflows: bool = False
    send_email: bool = False
    read_outbox_stream: bool = False
    # create, change and delete distributor interfaces' passwords (the API never reads them back)
    write_distributor_secrets: bool = False
    # make, change and delete distributor interfaces' schedules in EventBridge Scheduler
    manage_distributor_schedules: bool = False
    # reach distributors: read interface passwords, read and write their files in S3
    distributor_connections: bool = False


ALL_TABLES = ("*",)
# Keyed by chalice's function name. A function missing here fails `make package`: declare what it uses.
FUNCTION_GRANTS = {
    # the whole API: catalogue and seating plans (batch writes, deletes), sign-in, payments, tickets,
    # mail, and the operators' workflow runs
    "api_handler": Grants(
        delete_items=True,
        batch_write_tables=ALL_TABLES,
        secrets=(names.TOKEN_SECRET, names.BARCODE_SECRET, names.STRIPE_SECRET),
        start_workflows=True,
        send_email=True,
        write_distributor_secrets=True,
        manage_distributor_schedules=True,
        distributor_connections=True,
    ),
    # expires orders: refunds their card payments, sends no ticket
    "hold_cleanup": Grants(secrets=PAYMENT_SECRETS, send_email=True),
    # writes a performance's seats block by block
    "open_performance": Grants(batch_write_tables=("stock",)),
    # gives an option's stock back and tells its relay
    "option_expiry": Grants(send_email=True),
    # admits the next buyers of each virtual queue: queue items and run records only
    "queue_admitter": Grants(),
    # carries out outbox items: emails with PDFs, card refunds, settlements (tickets are signed)
    "outbox_worker": Grants(
        secrets=(*PAYMENT_SECRETS, names.BARCODE_SECRET), send_email=True, read_outbox_stream=True
    ),
    # recounts an organisation's sales figures from its orders
    "figures_rebuild": Grants(),
    # writes a large batch of single-use codes chunk by chunk (conditional transactions only)
    "code_batches": Grants(),
    # offers returned seats to waiting lists: holds, entries and outbox items (the worker sends the emails)
    "waiting_list_offers": Grants(),
    # runs of distributor interfaces: exports (allotment_export clears its pending marks with a
    # DeleteItem: H2's export_store.clear_pending), reintegrated orders (stock, sales, outbox), counts
    # kept by batch writes (reported_counts, catalog table); plus the distributors' files bucket and
    # the <stack>-distributors/* secrets (read), granted as the API's are
    "distributor_runs": Grants(
        delete_items=True, batch_write_tables=("catalog",), distributor_connections=True
    ),
    # the same work found by its schedule, and open orders past due
    "reconciler": Grants(secrets=(*PAYMENT_SECRETS, names.BARCODE_SECRET), send_email=True),
}


class MissingGrants(RuntimeError):
    """A function of the app has no entry in FUNCTION_GRANTS."""


def statement(actions: list[str] | tuple[str, ...], resources: list[Any], **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": list(actions), "Resource": resources, **extra}


def document(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def table_arns(logical_names: tuple[str, ...]) -> list[Any]:
    arns: list[Any] = []
    for model in TABLES:
        if logical_names == ALL_TABLES or model.Meta.logical_name in logical_names:
            table = names.table_id(model.Meta.logical_name)
            arns += [names.get_arn(table), {"Fn::Sub": f"${{{table}.Arn}}/index/*"}]
    return arns


def sender_identities() -> list[Any]:
    """The configured sender's SES identities: the address itself and its domain."""
    domain = {"Fn::Select": [1, {"Fn::Split": ["@", {"Ref": "MailFrom"}]}]}
    return [
        names.arn("ses", "identity/${MailFrom}"),
        {"Fn::Sub": [names.arn("ses", "identity/${Domain}")["Fn::Sub"], {"Domain": domain}]},
    ]


def secret_statements(secrets: tuple[str, ...]) -> list[Any]:
    stack_secrets = [names.ref(s) for s in secrets if s != names.STRIPE_SECRET]
    found: list[Any] = []
    if stack_secrets:
        found.append(statement(["secretsmanager:GetSecretValue"], stack_secrets))
    if names.STRIPE_SECRET in secrets:
        # The operator's own secret, named by the StripeSecretArn parameter on a Stripe stack only.
        stripe = statement(["secretsmanager:GetSecretValue"], [{"Ref": "StripeSecretArn"}])
        found.append({"Fn::If": [names.USES_STRIPE, stripe, {"Ref": "AWS::NoValue"}]})
    return found


def function_policy(function: Function) -> dict[str, Any]:
    grants = FUNCTION_GRANTS.get(function.name)
    if grants is None:
        raise MissingGrants(
            f"Function {function.name} has no IAM grants: declare what it uses in infra/aws/iam.py"
        )
    log_group = names.arn("logs", f"log-group:/aws/lambda/${{AWS::StackName}}-{function.logical_id}:*")
    dynamodb = list(DYNAMODB_READ_WRITE) + (["dynamodb:DeleteItem"] if grants.delete_items else [])
    statements: list[Any] = [
        statement(LOG_ACTIONS, [log_group]),
        statement(dynamodb, table_arns(ALL_TABLES)),
    ]
    if grants.batch_write_tables:
        statements.append(statement(["dynamodb:BatchWriteItem"], table_arns(grants.batch_write_tables)))
    statements += secret_statements(grants.secrets)
    if grants.write_distributor_secrets:
        # one secret per interface, named <stack>-distributors/<org>/<interface> (distributors/secrets.py)
        actions = [
            "secretsmanager:CreateSecret",
            "secretsmanager:PutSecretValue",
            "secretsmanager:DeleteSecret",
        ]
        interface_secrets = names.arn("secretsmanager", "secret:${AWS::StackName}-distributors/*")
        statements.append(statement(actions, [interface_secrets]))
    if grants.distributor_connections:
        from infra.aws import distributors

        statements += distributors.secret_statements() + distributors.file_statements()
    if grants.manage_distributor_schedules:
        # one schedule group, <stack>-distributors (infra/aws/workflows.py), and the role it starts runs with
        group = names.arn("scheduler", "schedule-group/${AWS::StackName}-distributors")
        schedules = names.arn("scheduler", "schedule/${AWS::StackName}-distributors/*")
        actions = [
            "scheduler:CreateSchedule",
            "scheduler:UpdateSchedule",
            "scheduler:DeleteSchedule",
            "scheduler:GetSchedule",
        ]
        statements.append(statement(actions, [schedules]))
        statements.append(statement(["scheduler:GetScheduleGroup", "scheduler:CreateScheduleGroup"], [group]))
        passed = {"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}}
        role = names.get_arn("DistributorSchedulerRole")
        statements.append(statement(["iam:PassRole"], [role], Condition=passed))
    if grants.start_workflows:
        machines = [names.state_machine_arn(m.name) for m in STATE_MACHINES]
        statements.append(statement(["states:StartExecution"], machines))
    if grants.send_email:
        # SES v2 SendEmail, simple or raw, only as the configured sender
        condition = {"StringEquals": {"ses:FromAddress": {"Ref": "MailFrom"}}}
        statements.append(statement(["ses:SendEmail"], sender_identities(), Condition=condition))
    if grants.read_outbox_stream:
        stream = {"Fn::GetAtt": [names.table_id("sales"), "StreamArn"]}
        actions = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
        statements.append(statement(actions, [stream]))
        streams = {"Fn::Sub": "${" + names.table_id("sales") + ".Arn}/stream/*"}
        statements.append(statement(["dynamodb:ListStreams"], [streams]))
    return document(*statements)


def function_role(function: Function) -> dict[str, Any]:
    # Lambda passes no source account when it assumes an execution role: no condition to add.
    return service_role("lambda.amazonaws.com", "GuichetFunction", function_policy(function), guarded=False)


def function_role_id(function: Function) -> str:
    return function.logical_id + "Role"


def service_role(
    service: str, policy_name: str, policy: dict[str, Any], guarded: bool = True
) -> dict[str, Any]:
    """A role only `service` may assume (for this account alone when `guarded`), with one inline policy."""
    trust: dict[str, Any] = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    if guarded:
        trust["Condition"] = {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": document(trust),
            "Policies": [{"PolicyName": policy_name, "PolicyDocument": policy}],
        },
    }
