"""Plumbing written once: "yours or 404" and the versioned update."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from chalicelib import owned, versioned
from chalicelib.errors import Conflict, NotFound, VersionConflict


@dataclass
class Doc:
    org_id: str
    version: int
    body: str = ""


def missing() -> Doc:
    raise NotFound("gone", {})


def test_yours_answers_the_same_not_found_for_missing_and_foreign_items():
    answers = []
    for read in (missing, lambda: Doc("other", 1)):
        with pytest.raises(NotFound) as caught:
            owned.yours(read, lambda d: d.org_id == "demo", "Cart", "c-1")
        answers.append((str(caught.value), caught.value.details))

    assert answers[0] == answers[1] == ("Cart c-1 does not exist", {"cart_id": "c-1"})
    assert owned.yours(lambda: Doc("demo", 1), lambda d: d.org_id == "demo", "Cart", "c-1").org_id == "demo"


def test_a_versioned_update_reads_again_after_a_lost_write():
    stored = [Doc("demo", 1)]
    writes = []

    def write(doc: Doc, outcome) -> Doc:
        writes.append(doc.version)
        if len(writes) == 1:  # someone else wrote first
            stored[0] = Doc("demo", 2, "theirs")
            raise VersionConflict("changed", {})
        return doc

    def change(doc: Doc) -> str:
        doc.body += "+mine"
        return "effects"

    done = versioned.update(lambda: Doc(**vars(stored[0])), change, write, lambda: Conflict("busy", {}))

    assert (done.version, done.body, writes) == (2, "theirs+mine", [1, 2])


def test_a_versioned_update_that_changes_nothing_writes_nothing_and_one_that_keeps_losing_is_a_conflict():
    def always_lost(doc, outcome):
        raise VersionConflict("changed", {})

    busy = lambda: Conflict("It kept changing", {})  # noqa: E731
    unchanged = versioned.update(lambda: Doc("demo", 1), lambda d: False, always_lost, busy)

    assert unchanged.version == 1
    with pytest.raises(Conflict, match="kept changing"):
        versioned.update(lambda: Doc("demo", 1), lambda d: None, always_lost, busy)
