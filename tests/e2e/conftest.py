"""The running local stack for the e2e tier, started once with the very code of `make run`."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import sync_playwright

from infra.local.dynamodb import free_port
from infra.local.stack import LocalStack
from tests.e2e.support import ARTIFACTS

SCHEDULE_SPEEDUP = 20  # hold-cleanup's 60 s schedule fires every 3 s


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "stops_stack: stops the shared stack, so it runs last")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.get_closest_marker("stops_stack") is not None)


@pytest.fixture(scope="package")
def stack(tmp_path_factory: pytest.TempPathFactory):
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / "chalice.log"
    log.unlink(missing_ok=True)
    local = LocalStack(
        port=free_port(),
        state_dir=tmp_path_factory.mktemp("guichet-state"),
        schedule_speedup=SCHEDULE_SPEEDUP,
        chalice_output=log,
    )
    local.start()
    yield local
    local.stop()


class Api:
    """The stack's HTTP API; `token=` sends it as a bearer token."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()

    def request(self, method: str, path: str, token: str | None = None, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.session.request(method, self.base_url + path, headers=headers, timeout=30, **kwargs)

    def get(self, path: str, token: str | None = None, **kwargs) -> requests.Response:
        return self.request("GET", path, token, **kwargs)

    def post(self, path: str, json: object = None, token: str | None = None, **kwargs) -> requests.Response:
        return self.request("POST", path, token, json=json, **kwargs)

    def operator_token(self, org: str, login: str, password: str) -> str:
        response = self.post("/backoffice/login", {"org_id": org, "login": login, "password": password})
        assert response.status_code == 200, response.text
        return response.json()["token"]


@pytest.fixture(scope="package")
def api(stack: LocalStack) -> Api:
    return Api(stack.api_url)


@pytest.fixture(scope="package")
def admin_token(api: Api, stack: LocalStack) -> str:
    return api.operator_token(stack.org, stack.admin_login, stack.admin_password)


@pytest.fixture(scope="package")
def cashier_token(api: Api, stack: LocalStack) -> str:
    return api.operator_token(stack.org, stack.cashier_login, stack.cashier_password)


@pytest.fixture(scope="package")
def shopper_token(api: Api, stack: LocalStack) -> str:
    response = api.post(
        f"/shop/{stack.org}/account/login", {"email": stack.shopper_email, "password": stack.shopper_password}
    )
    assert response.status_code == 200, response.text
    return response.json()["token"]


# Debian's chromium, never a downloaded browser; without the background-networking flags it keeps
# trying to reach Google's hosts, which this network refuses.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
