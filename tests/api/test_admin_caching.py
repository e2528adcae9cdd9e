"""The admin page loads once: its files kept for a year under a versioned URL; 304 for what is unchanged."""

from __future__ import annotations

import re

import pytest

from chalicelib.api.conditional import not_modified
from chalicelib.api.meta import admin_version
from tests.api.test_stock_api import built, hold, opened  # noqa: F401 - fixtures
from tests.api.test_stock_api import path as stock_path


def test_the_page_links_its_files_under_the_version_of_the_admin_files(api):
    page = api.http.get("/admin")

    linked = re.findall(r'(?:href|src)="(admin/[^"]+)"', page.body.decode())
    assert linked and all(link.startswith(f"admin/v/{admin_version()}/") for link in linked)
    assert page.headers["Cache-Control"] == "no-cache"


def test_a_file_at_the_current_version_is_kept_for_a_year(api):
    answer = api.http.get(f"/admin/v/{admin_version()}/admin.js")

    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert answer.headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_a_file_asked_for_at_an_old_version_is_served_but_not_kept(api):
    answer = api.http.get("/admin/v/0123456789abcdef/admin.js")

    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("where", ["/admin", "/admin/admin.css", f"/admin/v/{admin_version()}/api.js"])
def test_an_admin_file_the_browser_holds_is_answered_304_without_a_body(api, where):
    first = api.http.get(where)
    again = api.http.get(where, headers={"If-None-Match": first.headers["ETag"]})
    other = api.http.get(where, headers={"If-None-Match": 'W/"something-else"'})

    assert (again.status_code, again.body) == (304, b"")
    assert again.headers["ETag"] == first.headers["ETag"]
    assert other.status_code == 200 and other.body == first.body


def test_an_unknown_versioned_file_is_a_404_in_the_documented_shape(api):
    answer = api.http.get(f"/admin/v/{admin_version()}/no-such-file.js")

    assert answer.status_code == 404
    assert answer.json_body["code"] == "not_found"


def test_an_unchanged_stock_is_answered_304_and_a_changed_one_in_full(api, opened):  # noqa: F811
    token = api.login()
    for suffix in ("/stock", "/stock/seats"):
        headers = {"Authorization": f"Bearer {token}"}
        first = api.http.get(stock_path(opened, suffix), headers=headers)
        etag = first.headers["ETag"]
        unchanged = api.http.get(stock_path(opened, suffix), headers={**headers, "If-None-Match": etag})
        assert (unchanged.status_code, unchanged.body) == (304, b""), suffix
        assert first.headers["Cache-Control"] == "private, no-cache"

    hold(opened, opened.seat_ids[0])
    changed = api.http.get(stock_path(opened, "/stock/seats"), headers={**headers, "If-None-Match": etag})

    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert {"seat_id": opened.seat_ids[0], "status": "held"}.items() <= next(
        seat for seat in changed.json_body["seats"] if seat["seat_id"] == opened.seat_ids[0]
    ).items()


def test_a_conditional_stock_read_still_needs_the_right_to_read_it(api, opened):  # noqa: F811
    etag = api.http.get(stock_path(opened, "/stock"), headers={"Authorization": f"Bearer {api.login()}"})
    answer = api.http.get(stock_path(opened, "/stock"), headers={"If-None-Match": etag.headers["ETag"]})

    assert answer.status_code == 401


@pytest.mark.parametrize(
    ("header", "expected"),
    [('W/"a"', True), ('"a"', True), ('W/"b", W/"a"', True), ("*", True), ('W/"b"', False), ("", False)],
)
def test_if_none_match_compares_weakly(header, expected):
    assert not_modified({"if-none-match": header}, 'W/"a"') is expected
