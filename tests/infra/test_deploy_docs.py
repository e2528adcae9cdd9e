"""docs/deploy.md keeps up with the stack: every table listed, every table removed by the tear-down."""

from __future__ import annotations

import re

from chalicelib.db.tables import TABLES
from infra.aws.package import ROOT
from infra.aws.parameters import parameters
from infra.aws.waf import RATE_RULES

DOC = (ROOT / "docs" / "deploy.md").read_text()


def test_the_guide_lists_every_table_the_stack_creates() -> None:
    for model in TABLES:
        assert f"`<stack>-{model.Meta.logical_name}`" in DOC, model.Meta.logical_name


def test_the_tear_down_removes_every_table_after_lifting_its_deletion_protection() -> None:
    [loop] = re.findall(r"for table in ([a-z -]+); do", DOC)
    assert sorted(loop.split()) == sorted(model.Meta.logical_name for model in TABLES)
    assert "--no-deletion-protection-enabled" in DOC


def test_the_guide_names_every_stack_parameter() -> None:
    for name in parameters():
        assert f"`{name}`" in DOC, name
    for rule in RATE_RULES:
        assert f"`{rule.parameter}`" in DOC
