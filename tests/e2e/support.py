"""Helpers of the e2e tier: a browser page, where artifacts go, and what processes are alive."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"  # git-ignored: screenshots, chalice.log


@contextlib.contextmanager
def open_page(browser: Any, url: str | None = None, **context_options: Any) -> Iterator[Any]:
    """A page in its own browser context (`context_options`: viewport, accept_downloads, bypass_csp
    for a test that injects axe), with a 10 s default timeout; the page's script errors are kept in
    `page.script_errors`, for a test to assert there were none. Opened on `url` if given."""
    context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **context_options})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.script_errors = []
    page.on("pageerror", lambda error: page.script_errors.append(str(error)))
    if url:
        page.goto(url)
    try:
        yield page
    finally:
        context.close()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def children_of(pid: int) -> dict[int, str]:
    """The live child processes of `pid` and their command lines (Linux /proc)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, parent = stat.read_text().rsplit(")", 1)[1].split()[:2]
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError):
            continue  # ended while we looked
        if int(parent) == pid and state != "Z":
            found[int(stat.parent.name)] = cmdline
    return found


def confirmation_once_sent(api, admin_token: str, order_id: str, seconds: float = 20) -> list[dict]:
    """The order's confirmation emails once the outbox worker (every second locally) has sent them."""
    deadline = time.monotonic() + seconds
    while True:
        emails = api.get("/backoffice/emails", token=admin_token, params={"reference": order_id})
        assert emails.status_code == 200, emails.text
        sent = [e for e in emails.json()["items"] if e["kind"] == "order_confirmation"]
        if (sent and all(e["status"] == "sent" for e in sent)) or time.monotonic() > deadline:
            return sent
        time.sleep(0.5)
