"""Bytes the admin page moves in Chromium: a first load of /admin, a reload, and a live-stock refresh."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import requests
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from a clean clone

from infra.local.dynamodb import free_port
from infra.local.stack import LocalStack
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

FIRST_LOAD_TARGET = 100_000
REFRESH_TARGET = 2_000


class Meter:
    """Bytes received over the network (headers and encoded bodies), from Chromium's own accounting."""

    def __init__(self, page) -> None:
        self.bytes = 0
        self.requests = 0
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.loadingFinished", self._finished)

    def _finished(self, event: dict) -> None:
        self.requests += 1
        self.bytes += int(event["encodedDataLength"])

    def reset(self) -> tuple[int, int]:
        figures, self.bytes, self.requests = (self.bytes, self.requests), 0, 0
        return figures


def biggest_open_performance(stack: LocalStack) -> dict:
    base = stack.api_url
    login = {"org_id": stack.org, "login": stack.admin_login, "password": stack.admin_password}
    token = requests.post(f"{base}/backoffice/login", json=login, timeout=30).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    listed = requests.get(f"{base}/backoffice/performances?limit=100", headers=headers, timeout=30).json()
    on_sale = [p for p in listed["items"] if (p.get("state") or {}).get("status") == "on_sale"]
    counts = {
        p["id"]: requests.get(f"{base}/backoffice/performances/{p['id']}/stock", headers=headers, timeout=30)
        .json()["seat_count"]
        for p in on_sale
    }
    chosen = max(on_sale, key=lambda p: counts[p["id"]])
    return {**chosen, "seat_count": counts[chosen["id"]]}


def measure(stack: LocalStack) -> dict[str, tuple[int, int]]:
    performance = biggest_open_performance(stack)
    figures: dict[str, tuple[int, int]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
        meter = Meter(page)
        page.goto(stack.admin_url)
        page.fill("#org", stack.org)
        page.fill("#login", stack.admin_login)
        page.fill("#password", stack.admin_password)
        page.click("#login-submit")
        page.wait_for_selector("#welcome")
        page.wait_for_load_state("networkidle")
        figures["first load of /admin, logged in on Home"] = meter.reset()
        page.reload()
        page.wait_for_selector("#welcome")
        page.wait_for_load_state("networkidle")
        figures["reload of /admin"] = meter.reset()
        page.goto(f"{stack.admin_url}#/events/{performance['event_id']}/{performance['id']}")
        page.wait_for_selector("#stock-live-counts li")
        page.wait_for_load_state("networkidle")
        figures[f"stock screen of {performance['code']} ({performance['seat_count']} seats)"] = meter.reset()
        page.uncheck("#stock-auto")
        page.wait_for_load_state("networkidle")
        meter.reset()
        with page.expect_response(lambda r: r.url.endswith("/stock/seats")), page.expect_response(
            lambda r: r.url.endswith("/stock")
        ):
            page.click("#stock-refresh")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)  # loadingFinished comes after the response
        figures["live-stock refresh, nothing changed"] = meter.reset()
        browser.close()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.parse_args()
    with tempfile.TemporaryDirectory() as state:
        log = Path(state) / "chalice.log"
        stack = LocalStack(port=free_port(), state_dir=Path(state), chalice_output=log, say=lambda _: None)
        stack.start()
        try:
            figures = measure(stack)
        finally:
            stack.stop()
    for what, (size, count) in figures.items():
        print(f"{what:55} {size / 1000:8.1f} KB in {count:3} requests")
    first = figures["first load of /admin, logged in on Home"][0]
    refresh = figures["live-stock refresh, nothing changed"][0]
    verdict = {True: "met", False: "MISSED"}
    print(f"targets: first load <= {FIRST_LOAD_TARGET // 1000} KB {verdict[first <= FIRST_LOAD_TARGET]}, "
          f"unchanged refresh <= {REFRESH_TARGET // 1000} KB {verdict[refresh <= REFRESH_TARGET]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
