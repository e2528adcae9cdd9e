"""The demo's distributor, TicketHub, set up through the services (never the tables):

- its contact, which the orders of its reintegrated sales belong to;
- the interface on the DIST channel (quota DISTRIB: the balcony's back rows and 50 pit places), speaking
  to this stack's simulated distributor, with a login and password, an alert recipient, and the
  release of unsold allotment to general sale two days before a performance;
- mappings of the season's items the performances on sale name (TicketHub's ids are `TH-<our code>`);
- the first allotment export, so the simulated distributor holds its allotment;
- two sales TicketHub made, reintegrated into orders on its contact;
- a schedule: sales reintegration every 15 minutes.

Idempotent: the interface is found by its channel; a second run makes nothing.
"""

from __future__ import annotations

import contextlib
from typing import Protocol

from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from chalicelib.catalog.repository import Stored
from chalicelib.distributors import allotment_export, connections, mappings, pull, schedules, simulator
from chalicelib.distributors import service as interfaces
from chalicelib.distributors.model import InterfaceSpec, MappingKind
from chalicelib.errors import AlreadyExists
from chalicelib.sales import carts

CHANNEL, QUOTA, GENERAL = "DIST", "DISTRIB", "GENERAL"
CONTACT = ("TICKETHUB", "TicketHub", "sales@tickethub.example")
LOGIN, PASSWORD = "guichet", "tickethub-demo"
ALERTS = "ops@demo-theatre.example"
PREFIX = "TH-"


class Items(Protocol):
    def ensure(self, kind: str, spec: k.Spec) -> bool: ...
    def get(self, kind: str, code: str) -> Stored: ...
    def id(self, kind: str, code: str) -> str: ...


def seed_distributor(org_id: str, cat: Items, season_code: str) -> str:
    """The whole set-up once; what was made, or "" when the interface was there."""
    channel_id = cat.id("sales_channel", CHANNEL)
    if any(i.channel_id == channel_id for i in interfaces.list_interfaces(org_id)):
        return ""
    code, name, email = CONTACT
    cat.ensure("contact", k.ContactSpec(code=code, name=name, email=email))
    spec = InterfaceSpec.model_validate(
        {
            "name": "TicketHub",
            "channel_id": channel_id,
            "connection": {"adapter": "simulated", "login": LOGIN, "password": PASSWORD},
            "contact_id": cat.id("contact", code),
            "point_of_sale_id": cat.id("point_of_sale", CHANNEL),
            "alert_recipients": [ALERTS],
            "release_days_before": 2,
            "release_to_quota_id": cat.id("quota", GENERAL),
        }
    )
    interface = interfaces.create_interface(org_id, spec)
    season_id = cat.id("season", season_code)
    mapped = _map(org_id, interface.id, season_id)
    with connections.simulated_transport():  # the API may still be starting: no HTTP round trip
        exported = allotment_export.export(org_id, interface.id, by="demo-seed")
        sold = _sell(org_id, interface.id, season_id) if exported["status"] == "sent" else 0
        pulled = pull.pull_sales(org_id, interface.id, 100) if sold else {"integrated": 0}
    schedule = schedules.ScheduleSpec(
        function="sales_reintegration", name="Every 15 minutes", every=15, unit="minutes"
    )
    schedules.create(org_id, interface.id, schedule)
    return (
        f"distributor TicketHub ({mapped} mappings, allotment export {exported['status']}"
        f" with {exported['places']} places, {pulled['integrated']} sales reintegrated, a schedule)"
    )


def _map(org_id: str, interface_id: str, season_id: str) -> int:
    """TicketHub's ids for what an export names (performances, seat categories, zones) and for every
    audience subcategory (its sales name them)."""
    wanted: dict[tuple[str, str], str] = {}
    for _ in range(2):  # the first export lists what is missing; the second must send
        with connections.simulated_transport():
            missing = allotment_export.export(org_id, interface_id, by="demo-seed")["errors"]
        for error in missing:
            if error.get("category") == "mapping" and error.get("kind"):
                wanted[(error["kind"], error["our_id"])] = _their_id(org_id, error["kind"], error["our_id"])
        if not missing:
            break
        for audience in catalog.all_items(org_id, "audience_subcategory"):
            wanted[(MappingKind.AUDIENCE_SUBCATEGORY.value, audience.id)] = PREFIX + audience.data["code"]
        for (kind, our_id), theirs in wanted.items():
            with contextlib.suppress(AlreadyExists):
                mappings.create_mapping(org_id, interface_id, season_id, MappingKind(kind), our_id, theirs)
    return len(wanted)


def _their_id(org_id: str, kind: str, our_id: str) -> str:
    if kind == MappingKind.ZONE.value:  # <plan>/<zone>[/<block>]
        return PREFIX + "-".join(our_id.split("/")[1:])
    item = catalog.get(org_id, kind, our_id).data
    return PREFIX + str(item.get("code") or our_id)


def _sell(org_id: str, interface_id: str, season_id: str) -> int:
    """Two sales (2 places, then 1) in the first seat category of the first performance TicketHub
    holds places of, at our full price."""
    state = simulator.overview(org_id, interface_id)
    performances = [
        p for p in state.get("performances", []) if p.get("available", 0) >= 3 and p["categories"]
    ]
    if not performances:
        return 0
    first = performances[0]
    ours = _ours(org_id, interface_id, season_id)
    performance_id = ours[(MappingKind.PERFORMANCE.value, first["distributor_performance_id"])]
    prices = carts.price_list(org_id, performance_id).cells
    category = first["categories"][0]
    audience, price = _full_price(prices, ours, category)
    if audience is None:
        return 0
    for places in (2, 1):
        simulator.sell(
            org_id, interface_id, first["distributor_performance_id"], places, audience, price, category
        )
    return 2


def _ours(org_id: str, interface_id: str, season_id: str) -> dict[tuple[str, str], str]:
    """(kind, TicketHub's id) -> our id."""
    found = mappings.list_mappings(org_id, interface_id, season_id, None)
    return {(m.kind.value, m.distributor_id): m.our_id for m in found}


def _full_price(
    prices: dict[tuple[str, str], int], ours: dict[tuple[str, str], str], category: str | None
) -> tuple[str | None, int]:
    """TicketHub's id of an audience with a price in the category, and that price."""
    category_id = ours.get((MappingKind.SEAT_CATEGORY.value, category or ""))
    for (kind, theirs), our_id in sorted(ours.items()):
        if kind == MappingKind.AUDIENCE_SUBCATEGORY.value and (category_id, our_id) in prices:
            return theirs, prices[(category_id, our_id)]
    return None, 0
