"""The producer space over HTTP: a producer's relay reads its own events' availability, takings and
cultural contacts as JSON or CSV; another producer's event is refused; operators see any producer's."""

from __future__ import annotations

import csv
import io

import pytest

from chalicelib.catalog import service as catalog
from tests.api.test_personal_space_api import api, token_of  # noqa: F401 - the fixture
from tests.service.test_producer_space import Producers, bought, build_producers, customer, event_of

ORG = "demo"
SPACE = f"/shop/{ORG}/producer/events"


@pytest.fixture
def p(api) -> Producers:  # noqa: F811 - the fixture imported above
    return build_producers()


def relay_token(api, email: str) -> str:  # noqa: F811 - `api` is the fixture's name, not used
    """A session of the relay's account (created by link_relay with a password of its own)."""
    from chalicelib.auth import repository as accounts
    from chalicelib.auth import shoppers

    return shoppers.session(accounts.find_shopper_by_email(ORG, email)[0])[0]


def rows_of(response) -> list[dict]:
    assert response.status_code == 200, response.body
    assert response.headers["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.body.decode())))


def test_a_producer_relay_reads_its_events_availability_takings_and_contacts(api, p):  # noqa: F811
    world, event_id = p.world, event_of(p.world)
    ann = customer("ann@example.com", "Ann", consent=True)
    bought(world, ann, world.seat("L", "B", 1), world.seat("L", "B", 2))
    token = relay_token(api, "ra@producer.example")

    events = api.call("GET", SPACE, token=token).json_body
    availability = api.call("GET", f"{SPACE}/{event_id}/availability", token=token).json_body
    takings = api.call("GET", f"{SPACE}/{event_id}/takings", token=token).json_body
    contacts = api.call("GET", f"{SPACE}/{event_id}/cultural-contacts", token=token).json_body

    assert events["company_id"] == p.a
    assert [e["event_id"] for e in events["events"]] == [event_id]
    web = next(r for r in availability["rows"] if r["quota_id"] == world.built.quotas["WEB"])
    assert (web["sold"], web["free"]) == (2, 38)
    assert takings["totals"] == {"tickets": 2, "amount": 6000}
    assert [r["email"] for r in contacts["rows"]] == ["ann@example.com"]


def test_each_report_exports_as_csv(api, p):  # noqa: F811
    world, event_id = p.world, event_of(p.world)
    ann = customer("ann@example.com", "Ann", consent=True)
    bought(world, ann, world.seat("L", "B", 1), pit=1)
    token = relay_token(api, "ra@producer.example")

    availability = rows_of(api.call("GET", f"{SPACE}/{event_id}/availability?format=csv", token=token))
    takings = rows_of(api.call("GET", f"{SPACE}/{event_id}/takings?format=csv", token=token))
    contacts = rows_of(api.call("GET", f"{SPACE}/{event_id}/cultural-contacts?format=csv", token=token))

    assert {r["kind"] for r in availability} == {"seated", "standing"}
    pit = next(r for r in availability if r["kind"] == "standing")
    assert (pit["taken"], pit["held"]) == ("1", "")
    assert sorted((r["category"], r["tickets"], r["amount"]) for r in takings) == [
        ("CAT2", "1", "3000"),
        ("PIT", "1", "2000"),
    ]
    assert [(r["email"], r["performance_ids"], r["tickets"]) for r in contacts] == [
        ("ann@example.com", world.performance_id, "2")
    ]


@pytest.mark.parametrize("report", ["availability", "takings", "cultural-contacts"])
def test_a_producer_reading_another_producers_event_is_403_not_your_event(api, p, report):  # noqa: F811
    other_event = event_of(p.other)

    refused = api.call(
        "GET", f"{SPACE}/{other_event}/{report}", token=relay_token(api, "ra@producer.example")
    )
    as_csv = api.call(
        "GET", f"{SPACE}/{other_event}/{report}?format=csv", token=relay_token(api, "ra@producer.example")
    )

    for answer in (refused, as_csv):
        assert answer.status_code == 403
        assert answer.json_body["details"]["reason"] == "not_your_event"


def test_a_shopper_who_is_no_producer_is_refused_the_producer_space(api, p):  # noqa: F811
    ann = customer("ann@example.com", "Ann", consent=True)

    refused = api.call("GET", SPACE, token=token_of(api, ann))

    assert refused.status_code == 403 and refused.json_body["details"]["reason"] == "not_a_producer"
    assert api.call("GET", SPACE).status_code == 401


def test_an_operator_sees_any_producers_space(api, p):  # noqa: F811
    admin = api.login()
    event_id = event_of(p.world)

    companies = api.call("GET", "/backoffice/producers", token=admin).json_body["companies"]
    events = api.call("GET", f"/backoffice/producers/{p.b}/events", token=admin).json_body
    takings = api.call("GET", f"/backoffice/producers/{p.b}/events/{event_id}/takings", token=admin)
    refused = api.call("GET", f"/backoffice/producers/{p.c}/events/{event_id}/availability", token=admin)
    unknown = api.call("GET", "/backoffice/producers/nobody/events", token=admin)

    assert [c["company_id"] for c in companies] == sorted(
        [p.a, p.b, p.c], key=lambda c: catalog.get(ORG, "company", c).data["name"]
    )
    assert [e["event_id"] for e in events["events"]] == [event_id]
    assert takings.status_code == 200 and takings.json_body["totals"] == {"tickets": 0, "amount": 0}
    assert refused.status_code == 403 and refused.json_body["details"]["reason"] == "not_your_event"
    assert unknown.status_code == 404


def test_an_operator_without_the_reports_right_is_refused(api, p):  # noqa: F811
    admin = api.login()
    api.call("POST", "/backoffice/roles", {"name": "cashier", "rights": {"orders": ["read"]}}, token=admin)
    body = {"login": "cashier", "name": "Cashier", "password": "cashier-password", "roles": ["cashier"]}
    assert api.call("POST", "/backoffice/operators", body, token=admin).status_code == 201
    cashier = api.login("cashier", "cashier-password")

    assert api.call("GET", f"/backoffice/producers/{p.a}/events", token=cashier).status_code == 403
