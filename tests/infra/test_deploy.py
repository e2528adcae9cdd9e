"""Deploy and bootstrap against moto: arguments, uploads, change sets, the first operator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from chalicelib import config
from chalicelib.db.tables import TABLES, table_definition
from infra.aws import __main__ as cli
from infra.aws import deploy as deploy_module
from infra.aws.bootstrap import bootstrap
from infra.aws.deploy import DeployError, check_parameters, check_stack_name, deploy, effective_parameters
from infra.aws.package import Package
from infra.aws.parameters import parameters

# moto skips the SAM resource types and says so; the stand-in template has one on purpose.
pytestmark = pytest.mark.filterwarnings("ignore:Tried to parse AWS")

REGION = "eu-west-1"
BUCKET = "guichet-deploy-test"
# A stand-in for chalice's template: one function whose code is a local zip (moto skips SAM types).
SMALL_TEMPLATE = {
    "Resources": {
        "APIHandler": {"Type": "AWS::Serverless::Function", "Properties": {"CodeUri": "./deployment.zip"}},
        "Topic": {"Type": "AWS::SNS::Topic"},
    }
}


@pytest.fixture
def no_deploy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (cli.STACK_ENV, cli.BUCKET_ENV):
        monkeypatch.delenv(name, raising=False)


def test_deploy_without_stack_or_bucket_fails_with_a_clear_message(no_deploy_env, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["deploy"])
    assert exit_info.value.code == 2
    message = capsys.readouterr().err
    assert "--stack (or GUICHET_STACK)" in message
    assert "--bucket (or GUICHET_DEPLOY_BUCKET)" in message


def test_deploy_reads_stack_and_bucket_from_the_environment(no_deploy_env, monkeypatch, capsys) -> None:
    monkeypatch.setenv(cli.STACK_ENV, "guichet-prod")
    monkeypatch.setenv(cli.BUCKET_ENV, BUCKET)
    calls = []
    monkeypatch.setattr(
        deploy_module, "deploy", lambda *args: calls.append(args) or {"AdminURL": "https://x/api/admin"}
    )
    assert cli.main(["deploy", "--region", REGION, "--parameter", "MailFrom=t@x.example"]) == 0
    assert calls == [("guichet-prod", BUCKET, REGION, {"MailFrom": "t@x.example"})]
    assert "AdminURL: https://x/api/admin" in capsys.readouterr().out


@pytest.mark.parametrize("stack", ["", "1stack", "has_underscore", "x" * 31])
def test_stack_names_that_cannot_prefix_every_resource_are_refused(stack: str) -> None:
    with pytest.raises(DeployError):
        check_stack_name(stack)


@pytest.fixture
def small_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Package:
    (tmp_path / "deployment.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    (tmp_path / "sam.json").write_text(json.dumps(SMALL_TEMPLATE))
    built = Package(tmp_path, tmp_path / "sam.json", tmp_path / "merge-template.json")
    monkeypatch.setattr(deploy_module, "package", lambda region=None: built)
    return built


@pytest.fixture
def cloud():
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        yield s3, boto3.client("cloudformation", region_name=REGION)


def uploaded_template(s3: Any) -> dict[str, Any]:
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"] if o["Key"].endswith(".json")]
    assert len(keys) == 1
    return json.loads(s3.get_object(Bucket=BUCKET, Key=keys[0])["Body"].read())


def test_deploy_uploads_the_code_and_creates_the_stack(small_package: Package, cloud) -> None:
    s3, cfn = cloud
    deploy("guichet-test", BUCKET, REGION)
    code_uri = uploaded_template(s3)["Resources"]["APIHandler"]["Properties"]["CodeUri"]
    bucket, key = code_uri.removeprefix("s3://").split("/", 1)
    assert bucket == BUCKET and key.startswith("guichet/guichet-test/")
    assert (
        s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
        == (small_package.directory / "deployment.zip").read_bytes()
    )
    assert cfn.describe_stacks(StackName="guichet-test")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"


def test_deploying_an_unchanged_stack_changes_nothing(small_package: Package, cloud, capsys) -> None:
    _, cfn = cloud
    deploy("guichet-test", BUCKET, REGION)
    deploy("guichet-test", BUCKET, REGION)
    assert "already up to date" in capsys.readouterr().out
    assert cfn.describe_stacks(StackName="guichet-test")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"


def test_deploy_refuses_a_bucket_in_another_region(small_package: Package, cloud) -> None:
    with pytest.raises(DeployError, match="use one region"):
        deploy("guichet-test", BUCKET, "us-east-1")


@pytest.fixture
def deployed_tables(cloud, monkeypatch: pytest.MonkeyPatch):
    """A stack whose TablePrefix output names tables made from the models; settings restored after."""
    _, cfn = cloud
    outputs = {"TablePrefix": {"Value": {"Fn::Sub": "${AWS::StackName}-"}}}
    cfn.create_stack(
        StackName="guichet-boot", TemplateBody=json.dumps({**SMALL_TEMPLATE, "Outputs": outputs})
    )
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    for model in TABLES:
        dynamodb.create_table(**table_definition(model, table_name=f"guichet-boot-{model.Meta.logical_name}"))
    # Registered with monkeypatch so that what bootstrap sets in os.environ is undone after the test.
    for name in ("GUICHET_TABLE_PREFIX", "GUICHET_DYNAMODB_ENDPOINT", "GUICHET_AWS_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.setenv(name, REGION)
    yield dynamodb
    monkeypatch.undo()
    config.reset()
    for model in TABLES:
        model._connection = None


def test_bootstrap_creates_the_first_operator_in_the_stacks_tables(deployed_tables) -> None:
    assert bootstrap("guichet-boot", "my-theatre", "admin", region=REGION, password="long-password") is True
    item = deployed_tables.get_item(
        TableName="guichet-boot-accounts", Key={"pk": {"S": "ORG#my-theatre"}, "sk": {"S": "OPERATOR#admin"}}
    )
    assert item["Item"]["login"] == {"S": "admin"}
    from chalicelib.auth import service

    _, _, caller = service.log_in_operator("my-theatre", "admin", "long-password")
    assert caller.operator.login == "admin"


def test_bootstrap_twice_changes_nothing(deployed_tables) -> None:
    bootstrap("guichet-boot", "my-theatre", "admin", region=REGION, password="long-password")
    assert bootstrap("guichet-boot", "my-theatre", "admin", region=REGION, password="long-password") is False


def test_bootstrap_refuses_a_short_password_before_writing(deployed_tables) -> None:
    with pytest.raises(DeployError, match="password"):
        bootstrap("guichet-boot", "my-theatre", "admin", region=REGION, password="short")
    assert deployed_tables.scan(TableName="guichet-boot-accounts")["Items"] == []


def test_bootstrap_of_an_unknown_stack_says_so(cloud) -> None:
    with pytest.raises(DeployError, match="Cannot read stack"):
        bootstrap("no-such-stack", "my-theatre", "admin", region=REGION, password="long-password")


DECLARED = parameters()
ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:guichet/stripe-AbCdEf"
URL = "https://tickets.example.org"


@pytest.mark.parametrize(
    ("given", "refusal"),
    [
        ({"PaymentProvider": "simulated", "PublicUrl": URL}, "takes no money"),
        ({"PaymentProvider": "simulated", "TestStack": "false", "PublicUrl": URL}, "takes no money"),
        ({"PaymentProvider": "stripe", "PublicUrl": URL}, "StripeSecretArn"),
        ({"PaymentProvider": "stripe", "StripeSecretArn": ARN}, "PublicUrl"),
        ({"PaymentProvider": "stripe", "StripeSecretArn": ARN, "PublicUrl": "http://x.example"}, "PublicUrl"),
    ],
)
def test_deploy_refuses_a_stack_that_gives_tickets_away_or_has_no_public_url(given, refusal) -> None:
    values = {k: str(v["Default"]) for k, v in DECLARED.items() if "Default" in v} | given
    with pytest.raises(DeployError, match=refusal):
        check_parameters(DECLARED, values)


@pytest.mark.parametrize(
    "given",
    [
        {"PaymentProvider": "stripe", "StripeSecretArn": ARN, "PublicUrl": URL},
        {"PaymentProvider": "simulated", "TestStack": "true", "PublicUrl": URL},
    ],
)
def test_deploy_accepts_a_real_provider_or_a_declared_test_stack(given) -> None:
    values = {k: str(v["Default"]) for k, v in DECLARED.items() if "Default" in v} | given
    check_parameters(DECLARED, values)


def test_the_test_stack_flag_marks_the_stack_for_testing(no_deploy_env, monkeypatch) -> None:
    calls = []
    monkeypatch.setattr(deploy_module, "deploy", lambda *args: calls.append(args) or {})
    argv = ["deploy", "--stack", "guichet-test", "--bucket", BUCKET, "--region", REGION, "--test-stack"]
    assert cli.main([*argv, "--parameter", "PaymentProvider=simulated"]) == 0
    assert calls[0][3] == {"PaymentProvider": "simulated", "TestStack": "true"}


@pytest.fixture
def guarded_package(small_package: Package) -> Package:
    """The stand-in template, declaring the stack's own parameters."""
    template = {**SMALL_TEMPLATE, "Parameters": DECLARED}
    small_package.template.write_text(json.dumps(template))
    return small_package


def test_deploy_with_the_simulator_on_a_stack_not_for_testing_uploads_nothing(guarded_package, cloud) -> None:
    s3, _ = cloud
    with pytest.raises(DeployError, match="takes no money"):
        deploy("guichet-prod", BUCKET, REGION, {"PaymentProvider": "simulated", "PublicUrl": URL})
    assert s3.list_objects_v2(Bucket=BUCKET).get("KeyCount", 0) == 0


def test_an_update_is_checked_with_the_values_the_stack_already_has(cloud) -> None:
    _, cfn = cloud
    template = {**SMALL_TEMPLATE, "Parameters": DECLARED}
    running = {"PaymentProvider": "simulated", "TestStack": "true", "PublicUrl": URL}
    cfn.create_stack(
        StackName="guichet-test",
        TemplateBody=json.dumps(template),
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in running.items()],
    )
    kept = effective_parameters(cfn, "guichet-test", "UPDATE", DECLARED, {"MailFrom": "t@x.example"})
    check_parameters(DECLARED, kept)  # still a test stack: accepted
    dropped = effective_parameters(cfn, "guichet-test", "UPDATE", DECLARED, {"TestStack": "false"})
    with pytest.raises(DeployError, match="takes no money"):
        check_parameters(DECLARED, dropped)
