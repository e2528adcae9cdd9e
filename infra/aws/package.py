"""Run `chalice package` with the generated merge template: a SAM template and the code's zip."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from infra.aws.functions import stack_functions
from infra.aws.iam import MissingGrants
from infra.aws.names import CHALICE_ROLE
from infra.aws.template import build_merge_template

ROOT = Path(__file__).resolve().parents[2]
BUILD_DIR = ROOT / "infra" / "aws" / "build"
CHALICE_STAGE = "prod"
# Packaging needs a region only because chalice asks botocore for one; the template is region-neutral.
PACKAGING_REGION = "eu-west-1"


class PackageError(RuntimeError):
    """`chalice package` failed; the message carries its output."""


@dataclass(frozen=True)
class Package:
    directory: Path
    template: Path  # sam.json: chalice's template with ours merged in
    merge_template: Path


def api_gateway_stage(stage: str = CHALICE_STAGE) -> str:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    stage_config = config.get("stages", {}).get(stage, {})
    return stage_config.get("api_gateway_stage") or config.get("api_gateway_stage") or "api"


def chalice_command() -> str:
    """The chalice next to this interpreter (the project's venv), else the one on PATH."""
    beside = Path(sys.executable).with_name("chalice")
    found = str(beside) if beside.exists() else shutil.which("chalice")
    if not found:
        raise PackageError("chalice is not installed: run `make package` (it installs requirements-dev.txt)")
    return found


def write_merge_template(path: Path, stage: str = CHALICE_STAGE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        merge = build_merge_template(api_gateway_stage(stage), stack_functions(stage))
    except MissingGrants as exc:
        raise PackageError(str(exc)) from None
    path.write_text(json.dumps(merge, indent=2) + "\n")
    return path


def drop_unused_default_role(template_path: Path) -> None:
    """chalice always generates one role for every function; each has its own, so it would only linger."""
    template = json.loads(template_path.read_text())
    resources = template["Resources"]
    rest = json.dumps({k: v for k, v in resources.items() if k != CHALICE_ROLE})
    if CHALICE_ROLE in resources and f'"{CHALICE_ROLE}"' not in rest:
        del resources[CHALICE_ROLE]
        template_path.write_text(json.dumps(template, indent=2) + "\n")


def package(out_dir: Path = BUILD_DIR, stage: str = CHALICE_STAGE, region: str | None = None) -> Package:
    """Build `out_dir` afresh: merge-template.json, then chalice's sam.json and deployment.zip."""
    if out_dir.exists():
        shutil.rmtree(out_dir)
    merge = write_merge_template(out_dir / "merge-template.json", stage)
    env = dict(os.environ)
    env["AWS_DEFAULT_REGION"] = (
        region or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or PACKAGING_REGION
    )
    command = [chalice_command(), "--project-dir", str(ROOT), "package", "--stage", stage]
    command += ["--pkg-format", "cloudformation", "--merge-template", str(merge), str(out_dir)]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    template = out_dir / "sam.json"
    if result.returncode != 0 or not template.exists():
        raise PackageError(f"chalice package failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    drop_unused_default_role(template)
    return Package(directory=out_dir, template=template, merge_template=merge)
