"""Who may open a cart where: the public at internet B2C points of sale, staff and partners elsewhere."""

from __future__ import annotations

import pytest

from chalicelib.auth import relays
from chalicelib.auth import service as auth
from chalicelib.auth.model import Role
from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from chalicelib.errors import PermissionDenied
from chalicelib.sales import carts
from chalicelib.sales.carts import Buyer
from tests.shop_world import World, _channel, build_world

ORG = "demo"
GUEST = Buyer(ORG, "guest-ann")
ANNE_EMAIL = "anne@school.example"


@pytest.fixture
def world(organisation) -> World:
    return build_world()


def _pos(code: str, channel_type: str, **extra) -> str:
    channel = _channel(code, [], type=channel_type)
    spec = k.PointOfSaleSpec(channel_id=channel, code=code, name=code, **extra)
    return catalog.create(ORG, "point_of_sale", spec).id


def _company(code: str) -> str:
    kind = catalog.create(ORG, "company_type", k.CompanyTypeSpec(code=f"T{code}", name="School")).id
    return catalog.create(ORG, "company", k.CompanySpec(code=code, name=code, company_type_id=kind)).id


def _relay(company_id: str, *, linked: bool = True) -> Buyer:
    """Anne: a relay contact of the company, and her shop account, linked as an invitation does."""
    spec = k.ContactSpec(code="ANNE", name="Anne", email=ANNE_EMAIL, company_id=company_id, relay=True)
    contact_id = catalog.create(ORG, "contact", spec).id
    _, _, shopper = auth.register_shopper(ORG, ANNE_EMAIL, "Anne", "anne-password")
    if linked:
        relays.link(ORG, shopper.shopper_id, contact_id)
    return Buyer(ORG, shopper.shopper_id, shopper.shopper_id, ANNE_EMAIL, "Anne")


def _shopper(email: str) -> Buyer:
    _, _, shopper = auth.register_shopper(ORG, email, "Someone", "some-password")
    return Buyer(ORG, shopper.shopper_id, shopper.shopper_id, email, "Someone")


def test_a_guest_cannot_open_a_cart_at_a_box_office(world):
    with pytest.raises(PermissionDenied) as refused:
        carts.open_cart(ORG, "BOX1", GUEST)
    assert refused.value.details["pos_code"] == "BOX1"


def test_a_shopper_cannot_open_a_cart_at_a_box_office(world):
    with pytest.raises(PermissionDenied):
        carts.open_cart(ORG, "BOX1", _shopper("bob@example.com"))


def test_an_operator_with_the_right_to_sell_opens_a_cart_at_a_box_office(world):
    assert carts.open_cart(ORG, "BOX1", Buyer(ORG, "operator-admin")).owner == "operator-admin"


def test_an_operator_without_the_right_to_sell_is_refused_at_a_box_office(world):
    auth.save_role(ORG, Role("reader", {"orders": ["read"]}), create=True)
    auth.create_operator(ORG, "reader", "Reader", "reader-password", ["reader"])
    with pytest.raises(PermissionDenied) as refused:
        carts.open_cart(ORG, "BOX1", Buyer(ORG, "operator-reader"))
    assert refused.value.details["right"] == "orders:create"


def test_a_company_space_serves_a_relay_but_not_a_guest_or_another_shopper(world):
    _pos("PRO", "internet_company")
    anne = _relay(_company("SCHOOL"))

    assert carts.open_cart(ORG, "PRO", anne).owner == anne.buyer_id
    with pytest.raises(PermissionDenied):
        carts.open_cart(ORG, "PRO", GUEST)
    with pytest.raises(PermissionDenied):
        carts.open_cart(ORG, "PRO", _shopper("bob@example.com"))


def test_an_account_with_a_relays_email_but_no_accepted_invitation_is_no_relay(world):
    _pos("PRO", "internet_company")
    anne = _relay(_company("SCHOOL"), linked=False)

    with pytest.raises(PermissionDenied):
        carts.open_cart(ORG, "PRO", anne)


def test_a_company_space_that_lists_companies_refuses_the_relay_of_another(world):
    listed = _company("LISTED")
    _pos("PRO", "internet_company", allowed_company_ids=[listed])
    anne = _relay(_company("OTHER"))

    with pytest.raises(PermissionDenied):
        carts.open_cart(ORG, "PRO", anne)


def test_an_agency_space_serves_only_the_relays_of_the_agencies_it_lists(world):
    agency = _company("AGENCY")
    anne = _relay(agency)
    _pos("AG1", "internet_agency")
    _pos("AG2", "internet_agency", allowed_company_ids=[agency])

    with pytest.raises(PermissionDenied):
        carts.open_cart(ORG, "AG1", anne)
    assert carts.open_cart(ORG, "AG2", anne).owner == anne.buyer_id


def test_a_guest_reserves_above_the_payment_ceiling_only_where_the_point_of_sale_allows_it(organisation):
    from chalicelib.sales import orders
    from chalicelib.sales.carts import HoldRequest
    from chalicelib.sales.orders import CheckoutRequest

    world = build_world(pos={"payment_ceiling": 0})
    cart = carts.open_cart(ORG, "WEB1", GUEST)
    seat = world.seat("L", "B", 4)
    carts.add_to_cart(ORG, cart.cart_id, GUEST, HoldRequest(world.performance_id, seat_ids=[seat]))

    with pytest.raises(PermissionDenied) as refused:
        orders.checkout(ORG, cart.cart_id, GUEST, CheckoutRequest(email="ann@example.com", name="Ann"))

    assert refused.value.details["field"] == "total"
