"""Emails and e-tickets give a performance's time in its venue's local time and name the zone."""

from __future__ import annotations

from datetime import UTC, datetime
from unittest import mock

import pytest

from chalicelib.catalog import kinds as k
from chalicelib.catalog import repository
from chalicelib.catalog import service as catalog
from chalicelib.options import documents
from chalicelib.sales import emails, tickets
from chalicelib.sales.documents import Order, OrderLine, Ticket
from tests.unit.test_option_documents import NAMES, option

ORG = "demo"
WINTER = "2026-12-12T19:00:00+00:00"  # 20:00 in Paris
SUMMER = "2027-07-01T18:00:00Z"  # 20:00 in Paris, 14:00 in New York


@pytest.fixture
def venues(organisation):
    catalog.create(ORG, "venue", k.VenueSpec(code="PAR", name="Théâtre"), "paris")
    catalog.create(ORG, "venue", k.VenueSpec(code="NY", name="Hall", timezone="America/New_York"), "ny")
    for venue in ("paris", "ny"):
        catalog.create(ORG, "hall", k.HallSpec(venue_id=venue, code=venue.upper(), name="Main"), f"h-{venue}")
    for item_id, hall, starts in (("p-winter", "h-paris", WINTER), ("p-ny", "h-ny", SUMMER)):
        # Written as the catalog stores it: the event and layout it names are not the point here.
        data = {"event_id": "e", "hall_id": hall, "layout_id": "l", "code": item_id, "starts_at": starts}
        repository.create(ORG, "performance", item_id, data, {"status": "on_sale"})


def line(performance_id: str, starts_at: str) -> OrderLine:
    return OrderLine(
        line_id="l1",
        ticket_id="t1",
        performance_id=performance_id,
        hold_id="h1",
        event_name="Cyrano",
        starts_at=starts_at,
        category_id="c1",
        category_name="Cat 1",
        audience_subcategory_id="a1",
        audience_name="Full price",
        unit_price=3500,
        seat_id="s1",
        row="C",
        number="12",
        venue="Théâtre, Main",
    )


def order(*lines: OrderLine, deadline: int | None = None) -> Order:
    return Order(
        order_id="7F3K2Q",
        org_id=ORG,
        pos_id="WEB",
        channel_id="ch",
        cart_id=None,
        owner="guest-ann",
        shopper_id=None,
        email="ann@example.com",
        name="Ann",
        status="paid",
        created_at="2026-12-01T10:00:00+00:00",
        currency="EUR",
        lines=list(lines),
        tickets_total=3500,
        booking_fee=0,
        delivery_method="e_ticket",
        delivery_fee=0,
        total=3500,
        deadline=deadline,
    )


def test_the_confirmation_gives_each_performance_in_its_venue_local_time(venues):
    sold = order(line("p-winter", WINTER), line("p-ny", SUMMER))

    text = emails.confirmation_effect(sold).text

    assert "- Cyrano, Sat 12 Dec 2026, 20:00 (Europe/Paris): Cat 1" in text
    assert "- Cyrano, Thu 1 Jul 2027, 14:00 (America/New_York): Cat 1" in text


def test_a_reservation_deadline_is_in_the_venue_local_time(venues):
    deadline = int(datetime(2026, 12, 10, 22, 59, 59, tzinfo=UTC).timestamp())

    text = emails.reservation_effect(order(line("p-winter", WINTER), deadline=deadline)).text

    assert "until Thu 10 Dec 2026, 23:59 (Europe/Paris)." in text
    assert "- Cyrano, Sat 12 Dec 2026, 20:00 (Europe/Paris)" in text


def test_a_reservation_across_venues_in_two_zones_gives_its_deadline_in_utc(venues):
    deadline = int(datetime(2026, 12, 10, 22, 59, 59, tzinfo=UTC).timestamp())
    two = order(line("p-winter", WINTER), line("p-ny", SUMMER), deadline=deadline)

    assert "until Thu 10 Dec 2026, 22:59 (UTC)." in emails.reservation_effect(two).text


def test_the_ticket_prints_the_venue_local_time_with_its_zone(venues):
    sold = order(line("p-ny", SUMMER))
    ticket = Ticket(
        ticket_id="t1",
        org_id=ORG,
        order_id=sold.order_id,
        performance_id="p-ny",
        status="valid",
        document={"barcode": "B1", "event_name": "Cyrano", "starts_at": SUMMER, "seat_id": "s1", "row": "C"},
    )

    with mock.patch("chalicelib.tickets.pdf.render", return_value=b"%PDF") as render:
        tickets.ticket_pdf(sold, [ticket])

    [printed] = render.call_args.args[0].tickets
    assert printed.starts_at == "Thu 1 Jul 2027, 14:00 (America/New_York)"


def test_an_option_summary_gives_its_deadline_and_performance_on_the_venue_clock(venues):
    lines = dict(documents.summary_lines(option(), {**NAMES, "timezone": "America/New_York"}))
    placed = option(performance_id="p-ny", placed_performance_id="p-ny", fallback_performance_ids=[])
    with mock.patch("chalicelib.auth.repository.organisation_name", return_value="Demo"):
        names = documents.names_for(placed)

    assert lines["Valid until"] == "Mon 21 Sep 2026, 10:13 (America/New_York)"
    assert names["timezone"] == "America/New_York"
    assert names["requested_performance"] == "Thu 1 Jul 2027, 14:00 (America/New_York)"
