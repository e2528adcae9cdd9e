"""The simulated distributor (test stacks only): keeps the allotment it is sent (the highest version per
performance), sells from it on request (never a place twice, never beyond the allotment), cancels, and
reports its sales feed and counts. docs/distributor-protocol.md is what it speaks; simulator_protocol.py
speaks it, this module is the distributor's own bookkeeping."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict
from typing import Any, TypeVar

from chalicelib import clock
from chalicelib.config import settings
from chalicelib.distributors import service
from chalicelib.distributors import simulator_store as store
from chalicelib.distributors.allotment_files import read_allotment_json
from chalicelib.distributors.model import Interface
from chalicelib.errors import Conflict, InvalidInput, NotFound, VersionConflict

MAX_SEATS_PER_SALE = 50  # a sale and its records are written in one transaction
MAX_PAGE = 1000
ATTEMPTS = 8  # optimistic retries when two requests change the simulator at once
T = TypeVar("T")


class OlderVersion(Conflict):
    code = "older_version"


def interface_of(org_id: str, interface_id: str) -> Interface:
    """The interface the simulator plays the distributor of; an unknown route off test stacks."""
    if not settings().test_stack:
        raise NotFound("No such route", {"path": "/distributor-simulator"})
    return service.get_interface(org_id, interface_id)


def _retrying(change: Callable[[], T]) -> T:
    for attempt in range(ATTEMPTS):
        try:
            return change()
        except VersionConflict:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


# --- the allotment ---------------------------------------------------------------------------


def receive_allotment(org_id: str, interface_id: str, text: str) -> dict[str, Any]:
    """Keep the allotment's places for each performance it covers (its `performances`, else those its
    places name); OlderVersion when one of them was given a higher version. The same version again is
    accepted again (a retried call)."""
    try:
        document = json.loads(text)
    except ValueError:
        raise InvalidInput("The allotment is not JSON", {"field": "body"}) from None
    allotment = read_allotment_json(text)
    by_performance: dict[str, list[dict[str, Any]]] = {}
    for number, place in enumerate(allotment.places, start=1):
        if not place.distributor_performance_id:
            raise InvalidInput(
                f"Place {number} has no distributor_performance_id",
                {"field": f"places[{number - 1}].distributor_performance_id", "reason": "missing"},
            )
        by_performance.setdefault(place.distributor_performance_id, []).append(asdict(place))
    covered = document.get("performances") if isinstance(document, dict) else None
    for performance in covered or []:
        if not isinstance(performance, str) or not performance:
            raise InvalidInput(
                "performances: a list of distributor performance ids", {"field": "performances"}
            )
        by_performance.setdefault(performance, [])

    def change() -> dict[str, Any]:
        state = store.read_state(org_id, interface_id)
        for performance in by_performance:
            kept = state.versions.get(performance, 0)
            if kept > allotment.version:
                raise OlderVersion(
                    f"Performance {performance} has version {kept}; version {allotment.version} is older",
                    {"distributor_performance_id": performance, "version": kept},
                )
        kept_places = store.read_allotment(state)
        for performance, places in by_performance.items():
            kept_places[performance] = {"version": allotment.version, "places": places}
            state.versions[performance] = allotment.version
        store.write_allotment(state, kept_places)
        return {
            "accepted": sum(place["places"] for places in by_performance.values() for place in places),
            "reference": f"SIM-{interface_id}-v{allotment.version}",
        }

    return _retrying(change)


# --- what is sold ------------------------------------------------------------------------------


def _active_lines(sales: list[dict[str, Any]], performance: str | None = None) -> list[dict[str, Any]]:
    return [
        line
        for sale in sales
        if performance is None or sale["distributor_performance_id"] == performance
        for line in sale["lines"]
        if not line["cancelled"]
    ]


def _available(places: list[dict[str, Any]], sold: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The allotment's places not sold, one entry per place (standing places repeated)."""
    sold_seats = {line["seat"] for line in sold if line["seat"]}
    sold_standing = Counter(line["zone"] for line in sold if not line["seat"])
    free: list[dict[str, Any]] = []
    for place in places:
        if place["seat_id"]:
            if place["seat_id"] not in sold_seats:
                free.append(place)
            continue
        taken = min(sold_standing[place["zone"]], place["places"])
        sold_standing[place["zone"]] -= taken
        free.extend([place] * (place["places"] - taken))
    return free


def _choose(free: list[dict[str, Any]], seats: int | list[str], category: str | None) -> list[dict[str, Any]]:
    if category:
        free = [place for place in free if place["distributor_seat_category_id"] == category]
    if isinstance(seats, int):
        if len(free) < seats:
            raise Conflict(
                f"Only {len(free)} place(s) left to sell, {seats} asked",
                {"reason": "not_enough_places", "available": len(free), "field": "seats"},
            )
        return free[:seats]
    by_seat = {place["seat_id"]: place for place in free if place["seat_id"]}
    missing = [seat for seat in seats if seat not in by_seat]
    if missing or len(set(seats)) != len(seats):
        raise Conflict(
            f"Not in the allotment or sold already: {', '.join(missing) or 'a seat given twice'}",
            {"reason": "seat_unavailable", "field": "seats", "seats": missing},
        )
    return [by_seat[seat] for seat in seats]


def _record(sale: dict[str, Any], line: dict[str, Any]) -> dict[str, Any]:
    return {
        "external_sale_id": sale["external_sale_id"],
        "line": line["line"],
        "distributor_performance_id": sale["distributor_performance_id"],
        "distributor_seat_category_id": line["distributor_seat_category_id"],
        "distributor_audience_subcategory_id": line["distributor_audience_subcategory_id"],
        "price": line["price"],
        "seat": line["seat"],
        "cancelled": line["cancelled"],
    }


def sell(
    org_id: str,
    interface_id: str,
    performance: str,
    seats: int | list[str],
    audience: str,
    price: int = 0,
    seat_category: str | None = None,
) -> dict[str, Any]:
    """A sale of `seats` places (a number, or seat ids) of the allotment kept for `performance`."""
    count = seats if isinstance(seats, int) else len(seats)
    if not 1 <= count <= MAX_SEATS_PER_SALE:
        raise InvalidInput(f"seats: 1 to {MAX_SEATS_PER_SALE} places per sale", {"field": "seats"})

    def change() -> dict[str, Any]:
        state = store.read_state(org_id, interface_id)
        kept = store.read_allotment(state).get(performance)
        if kept is None:
            raise NotFound(
                f"No allotment for performance {performance}", {"distributor_performance_id": performance}
            )
        sold = _active_lines(store.sales(org_id, interface_id), performance)
        chosen = _choose(_available(kept["places"], sold), seats, seat_category)
        sale = {
            "external_sale_id": f"S{state.next_number('sales'):06d}",
            "distributor_performance_id": performance,
            "sold_at": clock.iso(),
            "cancelled": False,
            "lines": [
                {
                    "line": str(number),
                    "seat": place["seat_id"],
                    "zone": place["zone"],
                    "distributor_seat_category_id": place["distributor_seat_category_id"] or "",
                    "distributor_audience_subcategory_id": audience,
                    "price": price,
                    "cancelled": False,
                }
                for number, place in enumerate(chosen, start=1)
            ],
        }
        records = [
            {**_record(sale, line), "_sequence": state.next_number("records")} for line in sale["lines"]
        ]
        store.commit(state, sale, records)
        return sale

    return _retrying(change)


def cancel(org_id: str, interface_id: str, external_sale_id: str) -> dict[str, Any]:
    """The sale cancelled (its places back on sale), reported as cancelled records; again: no change."""

    def change() -> dict[str, Any]:
        state = store.read_state(org_id, interface_id)
        sale = next(
            (s for s in store.sales(org_id, interface_id) if s["external_sale_id"] == external_sale_id), None
        )
        if sale is None:
            raise NotFound(f"No sale {external_sale_id}", {"external_sale_id": external_sale_id})
        if sale["cancelled"]:
            return sale
        sale["cancelled"] = True
        for line in sale["lines"]:
            line["cancelled"] = True
        records = [
            {**_record(sale, line), "_sequence": state.next_number("records")} for line in sale["lines"]
        ]
        store.commit(state, sale, records)
        return sale

    return _retrying(change)


def sales_page(org_id: str, interface_id: str, cursor: str | None, limit: int) -> dict[str, Any]:
    """The feed after `cursor`: each (sale, line) at most once in a page (a page ends before a line's
    second record); `cursor` is where the next page starts, null for an empty page (keep yours)."""
    if cursor not in (None, "") and not cursor.isdigit():
        raise InvalidInput("cursor: not one this distributor gave", {"field": "cursor"})
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit: 1 to {MAX_PAGE}", {"field": "limit"})
    after = int(cursor or 0)
    found = store.records_after(org_id, interface_id, after, limit + 1)
    page: list[tuple[int, dict[str, Any]]] = []
    seen = set()
    for sequence, record in found[:limit]:
        key = (record["external_sale_id"], record["line"])
        if key in seen:
            break
        seen.add(key)
        page.append((sequence, record))
    more = len(found) > len(page)
    return {
        "records": [record for _, record in page],
        "cursor": str(page[-1][0]) if page else None,
        "more": more,
    }


def counts(org_id: str, interface_id: str, performances: list[str]) -> dict[str, Any]:
    """Per performance: the places of the allotment kept, and those sold and not cancelled."""
    state = store.read_state(org_id, interface_id)
    allotment = store.read_allotment(state)
    sold = Counter(
        sale["distributor_performance_id"]
        for sale in store.sales(org_id, interface_id)
        for line in sale["lines"]
        if not line["cancelled"]
    )
    return {
        "counts": [
            {
                "distributor_performance_id": performance,
                "allocated": sum(p["places"] for p in allotment.get(performance, {}).get("places", [])),
                "sold": sold[performance],
            }
            for performance in dict.fromkeys(performances)
        ]
    }


def overview(org_id: str, interface_id: str) -> dict[str, Any]:
    """What the page shows: per performance its version, counts and free places; the sales; the failure."""
    state = store.read_state(org_id, interface_id)
    allotment = store.read_allotment(state)
    sales = store.sales(org_id, interface_id)
    performances = []
    for performance, kept in sorted(allotment.items()):
        sold = _active_lines(sales, performance)
        free = _available(kept["places"], sold)
        performances.append(
            {
                "distributor_performance_id": performance,
                "version": kept["version"],
                "allocated": sum(p["places"] for p in kept["places"]),
                "sold": len(sold),
                "available": len(free),
                "free_seats": [p["seat_id"] for p in free if p["seat_id"]][:200],
                "categories": sorted({p["distributor_seat_category_id"] or "" for p in kept["places"]}),
            }
        )
    return {
        "interface_id": interface_id,
        "performances": performances,
        "sales": sorted(sales, key=lambda s: s["external_sale_id"], reverse=True),
        "failure": state.failure,
        "records": int(state.data.get("records", 0)),
    }
