"""Who a customer is: levels in their order, grants that never lower, shopper and contact merged,
CSV imports refused whole when a row is bad, target lists within their cap."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from chalicelib.auth import service as auth
from chalicelib.catalog import service as catalog
from chalicelib.catalog.customer_kinds import IndicatorSpec, TargetListSpec
from chalicelib.catalog.kinds import CompanySpec, CompanyTypeSpec, ContactSpec
from chalicelib.customers import model, target_lists
from chalicelib.customers import service as customers
from chalicelib.customers.model import EMPTY, Profile
from chalicelib.errors import AlreadyExists, Conflict, InvalidInput, NotFound
from tests.shopper_accounts import link_relay

ORG = "demo"
LOYALTY = {
    "code": "loyalty",
    "name": "Loyalty",
    "levels": [
        {"id": "regular", "name": "Regular"},
        {"id": "subscriber", "name": "Subscriber"},
        {"id": "patron", "name": "Patron"},
    ],
}


@pytest.fixture
def world(organisation):
    catalog.create(ORG, "indicator", IndicatorSpec(**LOYALTY), item_id="loyalty")
    catalog.create(
        ORG,
        "indicator",
        IndicatorSpec(code="age", name="Age", levels=[{"id": "young", "name": "Young"}]),
        item_id="age",
    )
    for n in (1, 2, 3):
        catalog.create(
            ORG,
            "contact",
            ContactSpec(code=f"C{n}", name=f"Contact {n}", email=f"c{n}@example.org"),
            item_id=f"contact{n}",
        )
    catalog.create(
        ORG, "target_list", TargetListSpec(code="opening", name="Opening night"), item_id="opening"
    )
    return ORG


def shopper(email: str = "ann@example.org") -> str:
    return auth.register_shopper(ORG, email, "Ann", "ann-password-1")[2].shopper_id


def test_a_level_reaches_itself_and_every_lower_level_of_its_indicator_only():
    orders = {"loyalty": ("regular", "subscriber", "patron")}
    subscriber = Profile("c", MappingProxyType({"loyalty": "subscriber"}), frozenset(), orders)

    assert subscriber.reaches("loyalty", "regular") and subscriber.reaches("loyalty", "subscriber")
    assert not subscriber.reaches("loyalty", "patron")
    assert not subscriber.reaches("age", "young")
    assert not EMPTY.reaches("loyalty", "regular") and EMPTY.contact_id is None and not EMPTY.target_list_ids
    assert len({subscriber, Profile("c", {"loyalty": "subscriber"}, frozenset(), orders), EMPTY}) == 2


def test_a_shopper_profile_merges_its_own_levels_with_its_contact_the_higher_winning(world):
    ann = shopper()
    customers.link_shopper(world, ann, "contact1")
    customers.grant(world, contact_id="contact1", indicator_id="loyalty", level="subscriber")
    customers.grant(world, shopper_id=ann, indicator_id="loyalty", level="regular")
    customers.grant(world, shopper_id=ann, indicator_id="age", level="young")

    profile = customers.profile_of_shopper(world, ann)

    assert profile.contact_id == "contact1"
    assert dict(profile.levels) == {"loyalty": "subscriber", "age": "young"}
    assert profile.reaches("loyalty", "regular") and not profile.reaches("loyalty", "patron")


def test_a_grant_never_lowers_a_level_and_repeating_it_changes_nothing(world):
    ann = shopper()
    customers.grant(world, contact_id="contact2", indicator_id="loyalty", level="patron")
    customers.grant(world, contact_id="contact2", indicator_id="loyalty", level="subscriber")
    customers.grant(world, shopper_id=ann, indicator_id="loyalty", level="subscriber")
    customers.grant(world, shopper_id=ann, indicator_id="loyalty", level="SUBSCRIBER")
    customers.grant(world, shopper_id=ann, indicator_id="loyalty", level="regular")

    assert customers.profile_of_contact(world, "contact2").levels == {"loyalty": "patron"}
    assert customers.get_shopper(world, ann).levels == {"loyalty": "subscriber"}
    assert customers.get_shopper(world, ann).levels_version == 1
    customers.grant(
        world, shopper_id=ann, indicator_id=customers.indicator_id(world, "loyalty"), level="patron"
    )
    assert customers.profile_of_shopper(world, ann).levels == {"loyalty": "patron"}


def test_a_grant_names_an_unknown_indicator_level_or_customer(world):
    with pytest.raises(InvalidInput) as refused:
        customers.grant(world, contact_id="contact1", indicator_id="loyalty", level="gold")
    assert refused.value.details["field"] == "level" and "regular" in refused.value.message
    with pytest.raises(NotFound):
        customers.grant(world, contact_id="contact1", indicator_id="nope", level="regular")
    with pytest.raises(NotFound):
        customers.grant(world, contact_id="ghost", indicator_id="loyalty", level="regular")
    with pytest.raises(InvalidInput):
        customers.grant(world, indicator_id="loyalty", level="regular")


def test_an_operator_sets_exactly_the_levels_given_and_may_lower_one(world):
    customers.grant(world, contact_id="contact1", indicator_id="loyalty", level="patron")
    customers.grant(world, contact_id="contact1", indicator_id="age", level="young")

    customers.set_contact_levels(world, "contact1", {"loyalty": "regular"})

    assert customers.contact_levels(world, "contact1")[0] == {"loyalty": "regular"}


def test_a_relay_account_without_a_linked_contact_counts_the_relay_contact_as_its_own(world):
    catalog.create(world, "company_type", CompanyTypeSpec(code="WC", name="Works council"), item_id="wc")
    catalog.create(
        world, "company", CompanySpec(code="ACME", name="Acme", company_type_id="wc"), item_id="acme"
    )
    relay = ContactSpec(code="R1", name="Rita", email="rita@example.org", company_id="acme", relay=True)
    catalog.create(world, "contact", relay, item_id="rita")
    link_relay(world, "rita@example.org", "rita")
    customers.grant(world, contact_id="rita", indicator_id="loyalty", level="regular")
    rita = customers.find_shopper(world, "Rita@example.org")

    assert customers.profile_of_shopper(world, rita.shopper_id).levels == {"loyalty": "regular"}
    customers.link_shopper(world, rita.shopper_id, "contact3")
    assert customers.profile_of_shopper(world, rita.shopper_id).contact_id == "contact3"


def test_one_shop_account_per_contact_and_unlinking_frees_it(world):
    ann, bob = shopper(), shopper("bob@example.org")
    customers.link_shopper(world, ann, "contact1")

    with pytest.raises(AlreadyExists):
        customers.link_shopper(world, bob, "contact1")
    customers.link_shopper(world, ann, "contact2")  # moving the link frees contact1
    customers.link_shopper(world, bob, "contact1")
    customers.unlink_shopper(world, bob)
    assert customers.profile_of_shopper(world, bob) == Profile(None, {}, frozenset(), {})
    with pytest.raises(InvalidInput) as refused:
        customers.link_shopper(world, ann, "ghost")
    assert refused.value.details["field"] == "contact_id"


def test_a_level_file_with_a_bad_row_is_refused_whole_each_row_named(world):
    text = "contact;level\nC1;subscriber\nnobody@example.org;regular\nC2;gold\nc3@example.org;\n"

    with pytest.raises(InvalidInput) as refused:
        customers.import_levels(world, "loyalty", text)

    problems = refused.value.details["problems"]
    assert sorted((p["line"], p["column"]) for p in problems) == [(3, "contact"), (4, "level"), (5, "level")]
    assert refused.value.details["problem_count"] == 3 and "nothing was imported" in refused.value.message
    assert customers.profile_of_contact(world, "contact1").levels == {}


def test_a_level_file_names_contacts_by_code_or_email_and_sets_their_level(world):
    customers.grant(world, contact_id="contact2", indicator_id="loyalty", level="patron")

    done = customers.import_levels(world, "loyalty", "C1,subscriber\nC2@Example.org,Regular\n\n")

    assert done == {"rows": 2, "contacts": 2}
    assert customers.profile_of_contact(world, "contact1").levels == {"loyalty": "subscriber"}
    assert customers.profile_of_contact(world, "contact2").levels == {"loyalty": "regular"}


def test_a_level_file_giving_one_contact_two_levels_is_refused(world):
    with pytest.raises(InvalidInput) as refused:
        customers.import_levels(world, "loyalty", "C1,subscriber\nc1@example.org,regular\n")
    assert refused.value.details["problems"][0]["line"] == 2


def test_a_target_list_holds_its_contacts_and_a_profile_shows_it(world):
    ann = shopper()
    customers.link_shopper(world, ann, "contact1")

    assert target_lists.add_contacts(world, "opening", ["contact1", "contact2"]) == {"added": 2, "size": 2}
    assert target_lists.add_contacts(world, "opening", ["contact1"]) == {"added": 0, "size": 2}
    assert customers.profile_of_shopper(world, ann).target_list_ids == {"opening"}
    assert customers.profile_of_shopper(world, ann).in_list("opening")
    assert target_lists.remove_contacts(world, "opening", ["contact1"]) == {"removed": 1, "size": 1}
    assert customers.profile_of_shopper(world, ann).target_list_ids == frozenset()
    page = target_lists.contacts_page(world, "opening", None, 10)
    assert page["contacts"] == [
        {"id": "contact2", "code": "C2", "name": "Contact 2", "email": "c2@example.org"}
    ]


def test_a_list_import_adds_known_contacts_and_names_the_unknown_rows(world):
    done = target_lists.import_contacts(world, "opening", "email\nc1@example.org\nC2\nwho@example.org\n")

    assert (done["added"], done["size"], done["unknown_count"]) == (2, 2, 1)
    assert done["unknown"] == [{"line": 4, "value": "who@example.org"}]
    assert customers.profile_of_contact(world, "contact2").target_list_ids == {"opening"}


def test_a_list_past_its_cap_is_refused_with_the_cap_named_and_nothing_added(world, monkeypatch):
    monkeypatch.setattr(model, "MAX_CONTACTS_PER_LIST", 2)
    target_lists.add_contacts(world, "opening", ["contact1"])

    with pytest.raises(Conflict) as refused:
        target_lists.import_contacts(world, "opening", "C2\nC3\n")

    assert refused.value.details["max_contacts"] == 2 and "at most 2" in refused.value.message
    assert target_lists.contact_ids(world, "opening") == {"contact1"}
    assert customers.profile_of_contact(world, "contact2").target_list_ids == frozenset()


def test_a_deleted_list_or_indicator_leaves_the_profiles(world):
    target_lists.add_contacts(world, "opening", ["contact1"])
    customers.grant(world, contact_id="contact1", indicator_id="age", level="young")

    catalog.delete(world, "target_list", "opening", None)
    catalog.delete(world, "indicator", "age", None)

    profile = customers.profile_of_contact(world, "contact1")
    assert profile.target_list_ids == frozenset() and profile.levels == {}


def test_contacts_spread_over_the_lists_buckets():
    buckets = model.by_bucket(f"contact{n}" for n in range(1000))

    assert len(buckets) == model.LIST_BUCKETS and max(len(ids) for ids in buckets.values()) < 100


def test_a_warm_profile_read_costs_the_account_and_the_contact(world, monkeypatch):
    from pynamodb.connection.base import Connection

    from chalicelib.catalog import repository as catalog_store

    moment = catalog_store._clock()
    monkeypatch.setattr(catalog_store, "_clock", lambda: moment)  # within the generation's window

    ann = shopper()
    customers.link_shopper(world, ann, "contact1")
    customers.grant(world, contact_id="contact1", indicator_id="loyalty", level="subscriber")
    target_lists.add_contacts(world, "opening", ["contact1"])
    with catalog.shared_reads():
        customers.profile_of_shopper(world, ann)  # the first request of the process reads the catalog
    made: list[str] = []
    real = Connection.dispatch

    def counted(self, operation_name, operation_kwargs):
        made.append(f"{operation_name} {operation_kwargs.get('TableName', '').rsplit('-', 1)[-1]}")
        return real(self, operation_name, operation_kwargs)

    monkeypatch.setattr(Connection, "dispatch", counted)
    with catalog.shared_reads():
        profile = customers.profile_of_shopper(world, ann)

    assert profile.reaches("loyalty", "regular") and profile.in_list("opening")
    assert sorted(made) == ["GetItem accounts", "Query accounts"]


def test_a_list_changed_between_its_read_and_its_write_is_read_again_so_the_cap_holds(world, monkeypatch):
    from chalicelib.customers import repository

    target_lists.add_contacts(world, "opening", ["contact1"])
    monkeypatch.setattr(model, "MAX_CONTACTS_PER_LIST", 2)
    real = repository.list_buckets
    reads = []

    def stale_first(org_id, list_id):
        reads.append(list_id)
        fresh = real(org_id, list_id)
        return {n: set() for n in fresh} if len(reads) == 1 else fresh  # as read before contact1 came

    monkeypatch.setattr(repository, "list_buckets", stale_first)

    with pytest.raises(Conflict) as refused:
        target_lists.add_contacts(world, "opening", ["contact2", "contact3"])

    assert (
        refused.value.details["reason"] == "target_list_full" and len(reads) == 2
    )  # the stale read's write was refused, the fresh one found the list too full
    assert target_lists.contact_ids(world, "opening") == {"contact1"}
