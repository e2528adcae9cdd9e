"""The on-sale sheet of an event for a distributor (the seed's "feuille de mise en vente"): our ids,
names and codes, performance dates on the venue's clock, seat categories, audience subcategories with
their prices, and the distributor's quota per performance; with the ids it has given us so far. Its CSV
has the mapping file's columns first: the distributor fills `distributor_id` and it imports as is."""

from __future__ import annotations

import csv
import io
from typing import Any

from chalicelib.catalog import plan_service
from chalicelib.catalog import service as catalog
from chalicelib.catalog.kinds import QuotaType
from chalicelib.catalog.model import PerformanceStatus
from chalicelib.distributors import repository
from chalicelib.errors import NotFound
from chalicelib.inventory import service as inventory

CSV_COLUMNS = (
    "kind",
    "our_id",
    "our_code",
    "distributor_id",
    "name",
    "starts_at_local",
    "quota_seats",
    "quota_places",
    "prices",
)
BLOCKED = "blocked"


def build(org_id: str, interface_id: str, event_id: str) -> dict[str, Any]:
    interface = repository.get_interface(org_id, interface_id)
    with catalog.shared_reads():
        event = catalog.get(org_id, "event", event_id)
        season_id = event.data["season_id"]
        ids = {
            (m.kind.value, m.our_id): m.distributor_id
            for m in repository.list_mappings(org_id, interface_id, season_id)
        }
        quota_ids = external_quotas(org_id, interface.channel_id)
        performances = sorted(
            catalog.all_items(org_id, "performance", event_id=event_id), key=lambda p: p.data["starts_at"]
        )
        grid = _grid(org_id, event.data.get("price_grid_id"))
        categories = _items(org_id, "seat_category", {p["seat_category_id"] for p in grid["prices"]}, ids)
        audiences = _items(
            org_id, "audience_subcategory", {p["audience_subcategory_id"] for p in grid["prices"]}, ids
        )
        layouts = _items(org_id, "layout", {p.data["layout_id"] for p in performances}, ids)
        categories.sort(key=lambda c: (c.get("rank") or 0, c["code"]))
        audiences.sort(key=lambda a: a["code"])
        order = {c["id"]: n for n, c in enumerate(categories)} | {a["id"]: n for n, a in enumerate(audiences)}
        prices = sorted(
            grid["prices"],
            key=lambda p: (order.get(p["seat_category_id"], 0), order.get(p["audience_subcategory_id"], 0)),
        )
        return {
            "interface": {
                "id": interface.id,
                "name": interface.data["name"],
                "channel_id": interface.channel_id,
            },
            "event": {
                "id": event.id,
                "code": event.data["code"],
                "name": event.data["name"],
                "season_id": season_id,
                "distributor_id": ids.get(("event", event.id)),
            },
            "quota_ids": sorted(quota_ids),
            "performances": [_performance(org_id, p, quota_ids, ids) for p in performances],
            "layouts": layouts,
            "seat_categories": categories,
            "audience_subcategories": audiences,
            "currency": grid["currency"],
            "prices": prices,
        }


def external_quotas(org_id: str, channel_id: str) -> set[str]:
    """The external quotas of the interface's channel: its share of every performance."""
    return {
        quota.id
        for quota in catalog.all_items(org_id, "quota", type=QuotaType.EXTERNAL.value)
        if channel_id in quota.data.get("channel_ids", [])
    }


def _grid(org_id: str, grid_id: str | None) -> dict[str, Any]:
    if not grid_id:
        return {"currency": "EUR", "prices": []}
    data = catalog.get(org_id, "price_grid", grid_id).data
    return {"currency": data.get("currency", "EUR"), "prices": data.get("prices", [])}


def _items(
    org_id: str, kind: str, item_ids: set[str], ids: dict[tuple[str, str], str]
) -> list[dict[str, Any]]:
    found = []
    for item_id in sorted(item_ids):
        try:
            data = catalog.get(org_id, kind, item_id).data
        except NotFound:
            continue  # deleted since the grid named it: nothing to sell
        found.append(
            {
                "id": item_id,
                "code": data["code"],
                "name": data["name"],
                **({"rank": data["rank"]} if "rank" in data else {}),
                "distributor_id": ids.get((kind, item_id)),
            }
        )
    return found


def _performance(
    org_id: str, stored: Any, quota_ids: set[str], ids: dict[tuple[str, str], str]
) -> dict[str, Any]:
    data = stored.data
    return {
        "id": stored.id,
        "code": data["code"],
        "starts_at": data["starts_at"],
        **catalog.local_start(org_id, data),
        "status": stored.performance_status.value,
        "layout_id": data["layout_id"],
        "distributor_id": ids.get(("performance", stored.id)),
        "quota": quota_size(org_id, stored, quota_ids),
    }


def quota_size(org_id: str, performance: Any, quota_ids: set[str]) -> dict[str, Any]:
    """The distributor's seats and standing places on a performance: from its stock once it is on sale
    (blocked seats left out, as the allotment leaves them out), else from its layout's assignment."""
    if not quota_ids:
        return {"seats": 0, "places": 0, "source": "none"}
    if performance.performance_status in (PerformanceStatus.ON_SALE, PerformanceStatus.CLOSED):
        counts = inventory.stock_counts(org_id, performance.id)
        seats = sum(
            row["seats"]
            for row in counts["seats"]
            if row["quota_id"] in quota_ids and row["status"] != BLOCKED
        )
        places = sum(area["capacity"] for area in counts["areas"] if area["quota_id"] in quota_ids)
        return {"seats": seats, "places": places, "source": "stock"}
    summary = plan_service.layout_summary(org_id, performance.data["layout_id"])
    seats = sum(row["seats"] for row in summary["quotas"] if row["quota_id"] in quota_ids)
    places = sum(n for area in summary["areas"] for quota, n in area["quotas"].items() if quota in quota_ids)
    return {"seats": seats, "places": places, "source": "layout"}


def _money(amount: int, currency: str) -> str:
    return f"{amount // 100}.{amount % 100:02d} {currency}"


def sheet_csv(sheet: dict[str, Any]) -> str:
    """The sheet as rows of the mapping file's kinds (event, performances, layouts, seat categories,
    audience subcategories), the facts a distributor needs beside them."""
    codes = {c["id"]: c["code"] for c in sheet["seat_categories"]}
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n", restval="")
    writer.writeheader()
    event = sheet["event"]
    writer.writerow(_row("event", event, name=event["name"]))
    for p in sheet["performances"]:
        quota = p["quota"]
        writer.writerow(
            _row(
                "performance",
                p,
                name=f"{event['name']} {p['starts_at_local']}",
                starts_at_local=p["starts_at_local"],
                quota_seats=quota["seats"],
                quota_places=quota["places"],
            )
        )
    for kind, key in (("layout", "layouts"), ("seat_category", "seat_categories")):
        for item in sheet[key]:
            writer.writerow(_row(kind, item, name=item["name"]))
    for audience in sheet["audience_subcategories"]:
        prices = [p for p in sheet["prices"] if p["audience_subcategory_id"] == audience["id"]]
        currency = sheet["currency"]
        text = "; ".join(
            f"{codes.get(p['seat_category_id'], p['seat_category_id'])} {_money(p['amount'], currency)}"
            for p in prices
        )
        writer.writerow(_row("audience_subcategory", audience, name=audience["name"], prices=text))
    return out.getvalue()


def sheet_pdf(sheet: dict[str, Any], organisation: str) -> bytes:
    from chalicelib.distributors import sheet_pdf as pdf

    return pdf.render(sheet, organisation)


def _row(kind: str, item: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "our_id": item["id"],
        "our_code": item["code"],
        "distributor_id": item.get("distributor_id") or "",
        **extra,
    }
