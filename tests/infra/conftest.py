"""The stack packaged once per session (chalice package with the merge template), shared by the tier."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.aws.package import Package, package


@pytest.fixture(scope="session")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> Package:
    return package(out_dir=tmp_path_factory.mktemp("stack") / "build")


@pytest.fixture(scope="session")
def template(packaged: Package) -> dict[str, Any]:
    return json.loads(packaged.template.read_text())
