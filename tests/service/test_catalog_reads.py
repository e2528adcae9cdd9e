"""Typed catalog reads: an item found by its code through a key, parsed once into its declared model."""

from __future__ import annotations

import pytest

from chalicelib.catalog import kinds as k
from chalicelib.catalog import repository
from chalicelib.catalog import service as catalog
from chalicelib.catalog.model import PerformanceStatus
from chalicelib.errors import NotFound

ORG = "demo"


def channel(code: str = "WEB") -> str:
    return catalog.create(
        ORG, "sales_channel", k.SalesChannelSpec(code=code, name="Web", type="internet_b2c")
    ).id


def test_a_point_of_sale_is_found_by_its_code_and_no_longer_by_a_code_it_gave_up(aws):
    spec = k.PointOfSaleSpec(channel_id=channel(), code="SHOP", name="Shop")
    created = catalog.create(ORG, "point_of_sale", spec)

    assert catalog.get_by_code(ORG, "point_of_sale", "SHOP").id == created.id
    catalog.replace(ORG, "point_of_sale", created.id, spec.model_copy(update={"code": "STORE"}), None)
    assert catalog.get_by_code(ORG, "point_of_sale", "STORE").id == created.id
    with pytest.raises(NotFound) as missing:
        catalog.get_by_code(ORG, "point_of_sale", "SHOP")
    assert missing.value.details == {"kind": "point_of_sale", "code": "SHOP"}


def test_a_code_is_looked_up_by_key_not_by_a_filtered_query(aws, monkeypatch):
    catalog.create(ORG, "point_of_sale", k.PointOfSaleSpec(channel_id=channel(), code="SHOP", name="Shop"))
    monkeypatch.setattr(repository, "page", lambda *a, **kw: pytest.fail("a filtered query was made"))

    assert catalog.get_by_code(ORG, "point_of_sale", "SHOP").data["code"] == "SHOP"


def test_a_channel_stored_by_an_older_version_reads_with_the_declared_defaults(aws):
    stored = repository.create(
        ORG, "sales_channel", "old", {"code": "OLD", "name": "Old", "type": "box_office", "gone": 1}, {}
    )

    spec = catalog.spec_of(stored)

    assert isinstance(spec, k.SalesChannelSpec)
    assert (spec.hold_timeout_minutes, spec.max_tickets_per_performance, spec.seat_selection) == (
        20,
        10,
        "map",
    )
    assert catalog.parsed(ORG, "sales_channel", "old") == spec


def test_a_performance_status_is_an_enum_and_a_new_performance_is_a_draft(aws):
    stored = repository.create(ORG, "performance", "p-1", {}, {})

    assert stored.performance_status is PerformanceStatus.DRAFT
    stored.state["status"] = "on_sale"
    assert stored.performance_status is PerformanceStatus.ON_SALE
