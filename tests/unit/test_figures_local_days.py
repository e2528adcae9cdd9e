"""Report figures count on the organisation's calendar days and hours, not UTC's: a sale paid at
00:30 in Paris on 4 December is a 4 December sale, and a scan at 00:10 there is in hour 00."""

from __future__ import annotations

from unittest import mock

from chalicelib.reports import model

LATE_EVENING_UTC = (
    "2026-12-03T23:30:00+00:00"  # 00:30 on 4 December in Paris, 18:30 on 3 December in New York
)


def _order(paid_at: str) -> mock.Mock:
    order = mock.Mock(
        status="paid", channel_id="C", pos_id="P", booking_fee=0, delivery_fee=0, created_at=paid_at
    )
    order.lines = [
        mock.Mock(performance_id="X", category_id="A", audience_subcategory_id="F", unit_price=3000)
    ]
    order.history = [{"status": "paid", "at": paid_at}]
    order.payments = [mock.Mock(method="card", amount=3000, status="succeeded", at=paid_at)]
    order.refunds = [{"at": "2026-12-31T23:15:00+00:00", "amount": 1000, "to": "card"}]
    return order


def _ticket(scanned_at: str) -> mock.Mock:
    ticket = mock.Mock(performance_id="X", document={"block": "B"})
    ticket.scans = [{"result": "valid", "at": scanned_at, "gate": "G1"}]
    return ticket


def test_a_sale_and_its_takings_count_on_the_organisations_day():
    paris = model.contribution(_order(LATE_EVENING_UTC), zone="Europe/Paris")
    new_york = model.contribution(_order(LATE_EVENING_UTC), zone="America/New_York")

    assert ("P", "X", "S#2026-12-04#A#F#C#P") in paris
    assert ("D", "2026-12", "T#2026-12-04#card#C") in paris
    assert ("P", "X", "S#2026-12-03#A#F#C#P") in new_york
    # a refund on New Year's Eve at 23:15 UTC is on 1 January in Paris: January's partition
    assert paris[("D", "2027-01", "T#2027-01-01#card#C")] == {"refunded": 1000}
    assert new_york[("D", "2026-12", "T#2026-12-31#card#C")] == {"refunded": 1000}


def test_an_entry_counts_in_the_organisations_hour_across_the_daylight_saving_change():
    order = _order(LATE_EVENING_UTC)
    autumn = "2026-10-25T00:30:00+00:00"  # 02:30 CEST: clocks go back an hour later
    winter = "2026-10-25T01:30:00+00:00"  # 02:30 CET, the second 02:30 of that night

    cells = model.contribution(
        order, [_ticket(autumn), _ticket(winter), _ticket(LATE_EVENING_UTC)], "Europe/Paris"
    )

    assert cells[("P", "X", "E#2026-10-25T02#G1#B")] == {"entries": 2}
    assert cells[("P", "X", "E#2026-12-04T00#G1#B")] == {"entries": 1}


def test_without_a_zone_the_figures_are_in_utc_as_before():
    cells = model.contribution(_order(LATE_EVENING_UTC), [_ticket(LATE_EVENING_UTC)])

    assert ("P", "X", "S#2026-12-03#A#F#C#P") in cells
    assert ("P", "X", "E#2026-12-03T23#G1#B") in cells
