"""The personal space over HTTP: my profile and consent, purchase history, the dashboard of pending
actions, reservations paid or cancelled online where the channel allows, and tickets printed again
until the performance starts."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from chalicelib import clock
from chalicelib.catalog import service as catalog
from chalicelib.inventory import service as inventory
from chalicelib.sales import reservations
from chalicelib.sales.carts import Buyer
from tests.fixtures import Api
from tests.service.test_producer_space import bought, customer
from tests.shop_world import World, build_world

ORG = "demo"
ACCOUNT = f"/shop/{ORG}/account"


def spaces_app():
    """The app, with both spaces' blueprints registered unless app.py registers them already (a
    blueprint registers into one app only, so the tests use the app itself)."""
    from app import app
    from chalicelib.api import personal_space, producer_space

    for module, path in (
        (personal_space, "/shop/{org_id}/account/dashboard"),
        (producer_space, "/shop/{org_id}/producer/events"),
    ):
        if path not in app.routes:
            app.register_blueprint(module.blueprint)
    return app


@pytest.fixture
def api(organisation):
    from chalice.test import Client

    with Client(spaces_app()) as client:
        yield Api(client.http)


def token_of(api, buyer: Buyer) -> str:
    body = {"email": buyer.email, "password": "customer-password"}
    session = api.call("POST", f"{ACCOUNT}/login", body)
    assert session.status_code == 200, session.json_body
    return session.json_body["token"]


@pytest.fixture
def ann(organisation) -> Buyer:
    return customer("ann@example.com", "Ann", consent=False)


# Profile


def test_i_edit_my_profile_and_agree_to_be_contacted(api, ann):
    token = token_of(api, ann)
    before = api.call("GET", f"{ACCOUNT}/profile", token=token).json_body
    assert before["cultural_contact_consent"] is False and before["cultural_contact_consent_at"] is None

    change = {
        "name": "Ann Dupont",
        "phone": "+33 1 23 45 67 89",
        "address": {"line1": "1 rue de la Paix", "postal_code": "75002", "city": "Paris", "country": "FR"},
        "language": "fr",
        "cultural_contact_consent": True,
    }
    changed = api.call("PATCH", f"{ACCOUNT}/profile", change, token=token)

    assert changed.status_code == 200, changed.json_body
    again = api.call("GET", f"{ACCOUNT}/profile", token=token).json_body
    assert again == changed.json_body
    assert (again["name"], again["phone"], again["language"]) == ("Ann Dupont", "+33 1 23 45 67 89", "fr")
    assert again["address"]["city"] == "Paris" and again["cultural_contact_consent"] is True
    assert again["cultural_contact_consent_at"]
    assert api.call("GET", ACCOUNT, token=token).json_body["name"] == "Ann Dupont"


def test_only_the_fields_given_change_and_null_clears_an_optional_one(api, ann):
    token = token_of(api, ann)

    changed = api.call("PATCH", f"{ACCOUNT}/profile", {"phone": None, "language": "en"}, token=token)

    assert changed.status_code == 200
    assert (changed.json_body["phone"], changed.json_body["language"]) == (None, "en")
    assert changed.json_body["cultural_contact_consent"] is False  # not given: unchanged


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": None}, "name"),
        ({"phone": "call me"}, "phone"),
        ({"language": "French"}, "language"),
        ({"address": {"line1": "x", "city": "Paris", "country": "FR"}}, "postal_code"),
        ({"email": "other@example.com"}, "email"),
    ],
)
def test_a_wrong_profile_field_is_refused_and_named(api, ann, body, field):
    refused = api.call("PATCH", f"{ACCOUNT}/profile", body, token=token_of(api, ann))

    assert refused.status_code == 422
    assert field in str(refused.json_body["details"])


def test_the_profile_is_mine_only(api):
    assert api.call("GET", f"{ACCOUNT}/profile").status_code == 401


# History


def test_my_purchase_history_is_newest_first_and_paginated(api, ann):
    world = build_world()
    first = bought(world, ann, world.seat("L", "B", 1))
    with clock.moved(60):
        second = bought(world, ann, world.seat("L", "B", 2))
    with clock.moved(120):
        third = bought(world, ann, world.seat("L", "B", 3), world.seat("L", "B", 4))
    token = token_of(api, ann)

    page = api.call("GET", f"{ACCOUNT}/history?limit=2", token=token).json_body
    rest = api.call("GET", f"{ACCOUNT}/history?limit=2&cursor={page['next_cursor']}", token=token).json_body

    assert [p["order_id"] for p in page["purchases"]] == [third.order_id, second.order_id]
    assert [p["order_id"] for p in rest["purchases"]] == [first.order_id]
    latest = page["purchases"][0]
    assert (latest["status"], latest["tickets"], latest["total"]) == ("paid", 2, third.total)
    assert latest["performances"][0]["starts_at"][19:] in ("+01:00", "+02:00")
    assert latest["tickets_pdf"] == f"{ACCOUNT}/tickets/orders/{third.order_id}/pdf"


# Dashboard and reservations paid or cancelled online


def reserved(world: World, buyer: Buyer, *seats: str):
    order = bought(world, buyer, *seats, paid=False)
    assert order.status == "reservation" and order.deadline
    return order


def test_the_dashboard_lists_my_reservations_with_their_deadline_and_what_i_may_do(api, ann):
    world = build_world(pos={"payment_ceiling": 1000})
    order = reserved(world, ann, world.seat("L", "B", 1))

    board = api.call("GET", f"{ACCOUNT}/dashboard", token=token_of(api, ann)).json_body

    (entry,) = board["reservations"]
    assert entry["order_id"] == order.order_id
    assert datetime.fromisoformat(entry["deadline"]).timestamp() == order.deadline
    assert entry["deadline"][19:] in ("+01:00", "+02:00")  # the venue's clock
    base = f"/shop/{ORG}/orders/{order.order_id}"
    assert entry["actions"] == [
        {"action": "pay", "method": "POST", "href": f"{base}/payments"},
        {"action": "cancel", "method": "POST", "href": f"{base}/cancel"},
    ]
    assert board["renewals"] == [] and board["options"] == []


def test_a_reservation_is_cancelled_online_and_leaves_the_dashboard(api, ann):
    world = build_world(pos={"payment_ceiling": 1000})
    order = reserved(world, ann, world.seat("L", "B", 1))
    token = token_of(api, ann)

    cancelled = api.call("POST", f"/shop/{ORG}/orders/{order.order_id}/cancel", token=token)

    assert cancelled.status_code == 200 and cancelled.json_body["status"] == "cancelled"
    assert api.call("GET", f"{ACCOUNT}/dashboard", token=token).json_body["reservations"] == []


def test_a_reservation_is_paid_online_through_the_payment_page(api, ann):
    world = build_world(pos={"payment_ceiling": 1000})
    order = reserved(world, ann, world.seat("L", "B", 1))

    paying = api.call("POST", f"/shop/{ORG}/orders/{order.order_id}/payments", token=token_of(api, ann))

    assert paying.status_code == 200, paying.json_body
    assert paying.json_body["payment_url"]


def test_where_the_channel_forbids_cancelling_online_the_dashboard_offers_payment_only(api, ann):
    world = build_world(web={"reservations_cancellable_online": False}, pos={"payment_ceiling": 1000})
    order = reserved(world, ann, world.seat("L", "B", 1))
    token = token_of(api, ann)

    board = api.call("GET", f"{ACCOUNT}/dashboard", token=token).json_body
    refused = api.call("POST", f"/shop/{ORG}/orders/{order.order_id}/cancel", token=token)

    assert [a["action"] for a in board["reservations"][0]["actions"]] == ["pay"]
    assert refused.status_code == 403


def held_reservation(world: World, buyer: Buyer, seat: str, *, package=None, pos_id=None, channel_id=None):
    """A reservation of one held seat for the buyer, as a renewal or the box office makes one."""
    performance = catalog.get(ORG, "performance", world.performance_id)
    refs = inventory.seat_refs(world.performance_id, inventory.stock_shards(performance.state), [seat])
    hold = inventory.place_hold(ORG, world.performance_id, buyer.buyer_id, refs, 3600)
    place = reservations.PlacedPlaces(
        world.performance_id, world.category("CAT2"), [hold.hold_id], [seat], None, 1,
        audience_subcategory_id=world.full, unit_price=9000, package=package,
    )  # fmt: skip
    deadline = int((clock.now() + timedelta(days=20)).timestamp())
    return reservations.reservation_for_contact(
        ORG, buyer.buyer_id, buyer.email, buyer.name, [place], deadline, "admin", pos_id, channel_id,
        shopper_id=buyer.shopper_id,
    )  # fmt: skip


def test_a_season_ticket_renewal_waiting_for_payment_is_on_the_dashboard(api, ann):
    world = build_world()
    pos = catalog.all_items(ORG, "point_of_sale", code="WEB1")[0]
    package = {
        "package_id": "pk-1",
        "season_ticket_id": "st-1",
        "name": "Season",
        "line_id": "l1",
        "amount": 9000,
    }
    order = held_reservation(
        world, ann, world.seat("L", "B", 5), package=package, pos_id=pos.id, channel_id=pos.data["channel_id"]
    )

    board = api.call("GET", f"{ACCOUNT}/dashboard", token=token_of(api, ann)).json_body

    assert board["reservations"] == []
    (renewal,) = board["renewals"]
    assert (renewal["order_id"], renewal["season_ticket_id"]) == (order.order_id, "st-1")
    assert datetime.fromisoformat(renewal["deadline"]).timestamp() == order.deadline
    assert [a["action"] for a in renewal["actions"]] == ["pay", "cancel"]


def test_a_reservation_made_at_the_box_office_is_listed_without_online_actions(api, ann):
    world = build_world()
    order = held_reservation(world, ann, world.seat("L", "B", 6))

    board = api.call("GET", f"{ACCOUNT}/dashboard", token=token_of(api, ann)).json_body

    (entry,) = board["reservations"]
    assert (entry["order_id"], entry["actions"]) == (order.order_id, [])


# Tickets printed again


def pdf(api, path: str, token: str):
    return api.http.get(path, headers={"Authorization": f"Bearer {token}", "Accept": "application/pdf"})


def test_i_print_an_orders_tickets_again_and_all_my_tickets_for_a_performance(api, ann):
    world = build_world()
    first = bought(world, ann, world.seat("L", "B", 1))
    second = bought(world, ann, world.seat("L", "B", 2), world.seat("L", "B", 3))
    token = token_of(api, ann)

    listed = api.call("GET", f"{ACCOUNT}/tickets", token=token).json_body
    one = pdf(api, f"{ACCOUNT}/tickets/orders/{first.order_id}/pdf", token)
    every = pdf(api, f"{ACCOUNT}/tickets/performances/{world.performance_id}/pdf", token)

    assert sorted(o["order_id"] for o in listed["orders"]) == sorted([first.order_id, second.order_id])
    (perf,) = listed["performances"]
    assert (perf["tickets"], sorted(perf["order_ids"])) == (3, sorted([first.order_id, second.order_id]))
    for printed in (one, every):
        assert printed.status_code == 200 and printed.headers["Content-Type"] == "application/pdf"
        assert printed.body.startswith(b"%PDF")
    assert len(every.body) > len(one.body)  # three tickets, not one


def test_once_the_performance_started_its_tickets_are_not_printed_again(api, ann):
    world = build_world()
    order = bought(world, ann, world.seat("L", "B", 1))
    starts = datetime.fromisoformat(catalog.get(ORG, "performance", world.performance_id).data["starts_at"])

    with clock.at(starts + timedelta(minutes=1)):
        token = token_of(api, ann)
        by_order = api.call("GET", f"{ACCOUNT}/tickets/orders/{order.order_id}/pdf", token=token)
        by_performance = api.call(
            "GET", f"{ACCOUNT}/tickets/performances/{world.performance_id}/pdf", token=token
        )
        listed = api.call("GET", f"{ACCOUNT}/tickets", token=token).json_body
        history = api.call("GET", f"{ACCOUNT}/history", token=token).json_body

    for refused in (by_order, by_performance):
        assert refused.status_code == 409
        assert refused.json_body["details"]["reason"] == "performance_started"
    assert listed["orders"] == [] and listed["performances"] == []
    assert history["purchases"][0]["tickets_pdf"] is None
    with clock.at(starts - timedelta(minutes=1)):
        token = token_of(api, ann)
        assert pdf(api, f"{ACCOUNT}/tickets/orders/{order.order_id}/pdf", token).status_code == 200


def test_a_channel_without_ticket_download_refuses_the_pdf(api, ann):
    world = build_world(web={"ticket_download": False})
    order = bought(world, ann, world.seat("L", "B", 1))

    refused = api.call("GET", f"{ACCOUNT}/tickets/orders/{order.order_id}/pdf", token=token_of(api, ann))

    assert refused.status_code == 403
    assert refused.json_body["details"]["reason"] == "ticket_download_disabled"


def test_an_unpaid_order_or_another_shoppers_order_gives_no_tickets(api, ann):
    world = build_world(pos={"payment_ceiling": 1000})
    mine = reserved(world, ann, world.seat("L", "B", 1))
    bob = customer("bob@example.com", "Bob", consent=False)
    theirs = reserved(world, bob, world.seat("L", "B", 2))
    token = token_of(api, ann)

    unpaid = api.call("GET", f"{ACCOUNT}/tickets/orders/{mine.order_id}/pdf", token=token)
    other = api.call("GET", f"{ACCOUNT}/tickets/orders/{theirs.order_id}/pdf", token=token)
    none = api.call("GET", f"{ACCOUNT}/tickets/performances/{world.performance_id}/pdf", token=token)

    assert unpaid.status_code == 409 and unpaid.json_body["details"]["reason"] == "not_paid"
    assert other.status_code == 404
    assert none.status_code == 404


def test_a_relays_options_to_confirm_are_on_the_dashboard_with_their_deadline(api):
    from chalicelib.api.option_models import RequestBody
    from chalicelib.catalog import kinds as k
    from chalicelib.options import service as options
    from tests.service.test_options import activity_settings
    from tests.shopper_accounts import link_relay

    world = build_world()
    activity_settings(world, options_allowed=True, options_count_against_availability=True)
    school = catalog.create(ORG, "company_type", k.CompanyTypeSpec(code="SCHOOL", name="School")).id
    company = catalog.create(
        ORG, "company", k.CompanySpec(code="LYC", name="Lycée", company_type_id=school)
    ).id
    spec = k.ContactSpec(code="ANNE", name="Anne", email="anne@lycee.example", company_id=company, relay=True)
    profile = k.SeatOptionProfileSpec(
        code="GRP", name="Groups", channel_ids=[world.channels["WEB1"]], starts_on="2026-01-01",
        ends_on="2030-12-31", minimum_quantity=2, validated=True,
    )  # fmt: skip
    catalog.create(ORG, "seat_option_profile", profile)
    anne = customer("anne@lycee.example", "Anne", consent=False)
    link_relay(ORG, anne.email, catalog.create(ORG, "contact", spec).id)
    body = RequestBody(performance_id=world.performance_id, quantities={world.category("CAT2"): 2})
    option = options.request_online(ORG, "WEB1", anne.email, body.request())

    board = api.call("GET", f"{ACCOUNT}/dashboard", token=token_of(api, anne)).json_body

    (pending,) = board["options"]
    assert (pending["option_id"], pending["state"]) == (option.option_id, "requested")
    assert datetime.fromisoformat(pending["deadline"]).timestamp() == option.deadline
    assert [a["action"] for a in pending["actions"]] == ["change", "withdraw"]
