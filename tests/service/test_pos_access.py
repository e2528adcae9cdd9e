"""Who may open a cart where: the public at internet B2C points of sale, staff and partners elsewhere."""

from __future__ import annotations

import pytest

from chalicelib.auth import relays
from chalicelib.auth import service as auth
from chalicelib.auth.model import Role
from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from chalicelib.errors import PermissionDenied
from chalicelib.sales import carts, pos_access
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


def _company(code: str, *, group: bool = False, status: str = "accepted") -> str:
    spec = k.CompanyTypeSpec(code=f"T{code}", name="Town" if group else "School", group=group)
    kind = catalog.create(ORG, "company_type", spec).id
    company = k.CompanySpec(code=code, name=code, company_type_id=kind, account_status=status)
    return catalog.create(ORG, "company", company).id


def _relay(company_id: str, *, linked: bool = True, email: str = ANNE_EMAIL) -> Buyer:
    """Anne: a relay contact of the company, and her shop account, linked as an invitation does."""
    code = email.split("@")[0].upper()
    spec = k.ContactSpec(code=code, name="Anne", email=email, company_id=company_id, relay=True)
    contact_id = catalog.create(ORG, "contact", spec).id
    _, _, shopper = auth.register_shopper(ORG, email, "Anne", "anne-password")
    if linked:
        relays.link(ORG, shopper.shopper_id, contact_id)
    return Buyer(ORG, shopper.shopper_id, shopper.shopper_id, email, "Anne")


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


@pytest.mark.parametrize("status", ["requested", "refused", "suspended"])
def test_the_relay_of_a_company_not_accepted_cannot_open_a_cart_at_a_company_or_agency_space(world, status):
    company = _company("SCHOOL", status=status)
    _pos("PRO", "internet_company")
    _pos("AG", "internet_agency", allowed_company_ids=[company])
    anne = _relay(company)

    for pos_code in ("PRO", "AG"):
        with pytest.raises(PermissionDenied) as refused:
            carts.open_cart(ORG, pos_code, anne)
        assert refused.value.details["reason"] == "company_not_accepted"
        assert refused.value.details["company_id"] == company


def test_a_cart_opened_before_the_company_was_suspended_cannot_be_ordered(world):
    company = _company("SCHOOL")
    pos_id = _pos("PRO", "internet_company")
    anne = _relay(company)
    carts.open_cart(ORG, "PRO", anne)
    pos_access.check_may_order(ORG, "internet_company", pos_id, anne)  # accepted: served
    stored = catalog.get(ORG, "company", company)
    catalog.replace(
        ORG, "company", company, k.CompanySpec(**{**stored.data, "account_status": "suspended"}), None
    )

    with pytest.raises(PermissionDenied) as refused:
        pos_access.check_may_order(ORG, "internet_company", pos_id, anne)

    assert refused.value.details["reason"] == "company_not_accepted"


def test_a_company_space_for_group_companies_refuses_the_relay_of_another_company(world):
    _pos("TOWNS", "internet_company", company_access="group")
    town_relay = _relay(_company("TOWN", group=True), email="town@example.org")
    school_relay = _relay(_company("SCHOOL"), email="school@example.org")

    assert carts.open_cart(ORG, "TOWNS", town_relay).owner == town_relay.buyer_id
    with pytest.raises(PermissionDenied) as refused:
        carts.open_cart(ORG, "TOWNS", school_relay)
    assert refused.value.details["reason"] == "company_not_group"


def test_a_company_space_for_non_group_companies_refuses_the_relay_of_a_group_company(world):
    _pos("FIRMS", "internet_company", company_access="non_group")
    town_relay = _relay(_company("TOWN", group=True), email="town@example.org")
    school_relay = _relay(_company("SCHOOL"), email="school@example.org")

    assert carts.open_cart(ORG, "FIRMS", school_relay).owner == school_relay.buyer_id
    with pytest.raises(PermissionDenied) as refused:
        carts.open_cart(ORG, "FIRMS", town_relay)
    assert refused.value.details["reason"] == "company_not_non_group"


def test_a_public_space_that_lists_contacts_serves_only_their_accounts(world):
    from chalicelib.customers import service as customers

    spec = k.ContactSpec(code="ZOE", name="Zoé", email="zoe@example.com")
    zoe_contact = catalog.create(ORG, "contact", spec).id
    zoe = _shopper("zoe@example.com")
    customers.link_shopper(ORG, zoe.shopper_id, zoe_contact)
    _pos("MEMBERS", "internet_b2c", allowed_contact_ids=[zoe_contact])

    assert carts.open_cart(ORG, "MEMBERS", zoe).owner == zoe.buyer_id
    for other in (GUEST, _shopper("bob@example.com")):
        with pytest.raises(PermissionDenied) as refused:
            carts.open_cart(ORG, "MEMBERS", other)
        assert refused.value.details["reason"] == "contact_not_listed"
    assert carts.open_cart(ORG, "WEB1", GUEST).owner == GUEST.buyer_id  # a public space lists no one


def test_a_setting_that_does_not_fit_the_channel_type_is_named():
    b2c = k.PointOfSaleSpec(channel_id="c", code="P", name="P", allowed_company_ids=["x"])
    box = k.PointOfSaleSpec(channel_id="c", code="P", name="P", allowed_contact_ids=["x"])
    b2b = k.PointOfSaleSpec(channel_id="c", code="P", name="P", company_access="group")

    assert [p["field"] for p in b2c.channel_problems("internet_b2c")] == ["allowed_company_ids"]
    assert [p["field"] for p in box.channel_problems("box_office")] == ["allowed_contact_ids"]
    assert [p["field"] for p in b2b.channel_problems("internet_b2c")] == ["company_access"]
    assert b2b.channel_problems("internet_company") == b2c.channel_problems("internet_agency") == []


def test_a_point_of_sale_limits_companies_by_type_or_by_list_not_both():
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as refused:
        k.PointOfSaleSpec(
            channel_id="c", code="P", name="P", allowed_company_ids=["x"], company_access="group"
        )
    assert refused.value.errors()[0]["loc"] == ("company_access",)


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
