"""Page cursors: what a page gives back starts the next page; anything else is a 400 on `cursor`."""

from __future__ import annotations

import base64
import json

import pytest

from chalicelib.db import cursors
from chalicelib.errors import InvalidInput

KEY = {"pk": {"S": "ORG#demo#KIND#season"}, "sk": {"S": "ID#s-1"}}


def test_a_last_evaluated_key_comes_back_from_its_cursor():
    cursor = cursors.encode_key(KEY)

    assert cursor is not None and "=" not in cursor
    assert cursors.decode_key(cursor, fixed={"pk": "ORG#demo#KIND#season"}) == KEY


def test_no_last_key_means_no_cursor_and_no_cursor_means_the_first_page():
    assert cursors.encode_key(None) is None and cursors.encode_key({}) is None
    assert cursors.decode_key(None) is None and cursors.decode("") is None


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!",
        "e30",  # {}
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        base64.urlsafe_b64encode(json.dumps([1, 2]).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps({"pk": {"M": {}}}).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps({"pk": {"S": 3}}).encode()).decode(),
    ],
)
def test_a_cursor_this_api_did_not_give_is_refused_naming_the_field(cursor):
    with pytest.raises(InvalidInput) as refused:
        cursors.decode_key(cursor)

    assert refused.value.details["field"] == "cursor"


def test_a_cursor_into_another_partition_is_refused():
    other = cursors.encode_key({**KEY, "pk": {"S": "ORG#other#KIND#season"}})

    with pytest.raises(InvalidInput):
        cursors.decode_key(other, fixed={"pk": "ORG#demo#KIND#season"})


def test_a_position_the_caller_finds_invalid_is_refused():
    cursor = cursors.encode(["2027-01-01T20:00:00+00:00", "perf-1"])

    assert cursors.decode(cursor, lambda p: isinstance(p[1], str)) == ["2027-01-01T20:00:00+00:00", "perf-1"]
    with pytest.raises(InvalidInput):
        cursors.decode(cursor, lambda p: p[5])
