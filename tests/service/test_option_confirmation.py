"""The confirmation of a placement: the contact's existing reservation or a new order, internal
remarks, the option rate (audience subcategory)."""

from __future__ import annotations

import pytest

from chalicelib.errors import InvalidInput
from chalicelib.options import service as options
from chalicelib.options.service import LineIn
from chalicelib.sales import repository as sales
from tests.service.test_option_defects import contact, world  # noqa: F401 - fixtures
from tests.service.test_options import requested

ORG = "demo"


def test_an_option_is_validated_into_the_contacts_existing_reservation(world, contact):  # noqa: F811
    first = requested(world, contact, 2)
    options.place(ORG, first.option_id, "admin", None, [LineIn(world.category("CAT2"), 2)])
    order_id = options.validate(ORG, [first.option_id], "admin")[0].order_id
    second = requested(world, contact, 3)

    placed = options.place(
        ORG,
        second.option_id,
        "admin",
        None,
        [LineIn(world.category("CAT2"), 3)],
        audience_subcategory_id=world.young,
        internal_remark="Pays by bank transfer",
        into_order_id=order_id,
    )
    outcome = options.validate(ORG, [second.option_id], "admin")[0]

    assert placed.internal_remark == "Pays by bank transfer" and outcome.order_id == order_id
    order = sales.get_order(order_id)
    assert len(order.lines) == 5 and order.total == 2 * 3000 + 3 * 1500
    assert {line.audience_name for line in order.lines} == {"Full price", "Under 26"}


def test_the_chosen_order_must_be_a_reservation_of_the_same_contact(world, contact):  # noqa: F811
    option = requested(world, contact, 2)
    lines = [LineIn(world.category("CAT2"), 2)]
    with pytest.raises(InvalidInput) as refused:
        options.place(ORG, option.option_id, "admin", None, lines, into_order_id="261202NOSUCHONE")
    assert refused.value.details["field"] == "order_id"
    with pytest.raises(InvalidInput) as refused:
        options.place(ORG, option.option_id, "admin", None, lines, audience_subcategory_id="nope")
    assert refused.value.details["field"] == "audience_subcategory_id"
