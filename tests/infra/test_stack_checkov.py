"""checkov on the packaged stack: no finding but those accepted, with their reasons, in one file."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from infra.aws.package import ROOT, Package

# checkov pins versions that conflict with requirements-dev.txt: the Makefile gives it its own venv.
CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"
ACCEPTED = ROOT / "infra" / "aws" / "checkov-accepted.yaml"
Finding = tuple[str, str]  # (check id, "<type>.<logical id>")


def accepted_findings() -> dict[str, dict[str, Any]]:
    return yaml.safe_load(ACCEPTED.read_text())["accepted"]


def is_accepted(finding: Finding, accepted: dict[str, dict[str, Any]]) -> bool:
    check, resource = finding
    entry = accepted.get(check)
    if entry is None:
        return False
    return entry["resources"] == "all" or resource.rsplit(".", 1)[-1] in entry["resources"]


def run_checkov(template: Path) -> list[Finding]:
    if not CHECKOV.exists():
        pytest.fail(f"{CHECKOV} is missing: `make test-infra` creates its venv (requirements-checkov.txt)")
    command = [str(CHECKOV), "-f", template.name, "--framework", "cloudformation"]
    command += ["--skip-download", "--quiet", "--compact", "-o", "json"]
    # no network: --skip-download, and no mapping of checks to the vendor's guidelines
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE"}
    result = subprocess.run(
        command, cwd=template.parent, capture_output=True, text=True, env=env, check=False
    )
    try:
        report = json.loads(result.stdout)
    except ValueError:
        pytest.fail(f"checkov did not report ({result.returncode}):\n{result.stderr[-2000:]}")
    reports = report if isinstance(report, list) else [report]
    failed = [f for r in reports for f in r.get("results", {}).get("failed_checks", [])]
    assert not any(r.get("summary", {}).get("parsing_errors") for r in reports), result.stdout[-2000:]
    return sorted({(f["check_id"], f["resource"]) for f in failed})


@pytest.fixture(scope="module")
def findings(packaged: Package) -> list[Finding]:
    return run_checkov(packaged.template)


def test_checkov_finds_nothing_but_the_accepted_findings(findings: list[Finding]) -> None:
    accepted = accepted_findings()
    assert [f for f in findings if not is_accepted(f, accepted)] == []


def test_every_accepted_finding_has_a_reason_and_is_still_found(findings: list[Finding]) -> None:
    for check, entry in accepted_findings().items():
        assert len(entry["reason"]) > 40, check
        assert entry["resources"] == "all" or isinstance(entry["resources"], list), check
        assert any(f[0] == check for f in findings), f"{check} is no longer found: remove it"


@pytest.mark.parametrize(
    ("finding", "expected"),
    [
        (("CKV_AWS_26", "AWS::SNS::Topic.AlarmTopic"), True),
        (("CKV_AWS_26", "AWS::SNS::Topic.OtherTopic"), False),
        (("CKV_AWS_119", "AWS::DynamoDB::Table.AnyTable"), True),
        (("CKV_AWS_1", "AWS::IAM::Role.Anything"), False),
    ],
)
def test_an_acceptance_covers_only_its_check_and_resources(finding: Finding, expected: bool) -> None:
    assert is_accepted(finding, accepted_findings()) is expected
