"""What one order contributes to the figures, as cells of measures: pure rules, sums and differences."""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

# Aggregates of one order go to one of SHARDS copies of each cell (a hash of the order id), so that
# an on-sale rush on one performance spreads its writes over SHARDS partitions and items.
SHARDS = 8

# Families: where a cell's partition is. PERFORMANCE cells are per performance (sales by category,
# audience, channel; reservations; entries); DAY cells are per calendar month of the organisation
# (sales per channel, takings, reservation deadlines), read for date-only questions.
PERFORMANCE = "P"
MONTH = "D"

# Sort-key prefixes inside a partition.
SALE = "S"  # P: S#<day>#<category>#<subcategory>#<channel>#<pos>   D: S#<day>#<channel>#<pos>
NET = "N"  # P: N#<category>#<subcategory>#<channel>#<pos>          the same over every day
RESERVED = "R"  # P: R#<category>                                    open reservations' places
TAKINGS = "T"  # D: T#<day>#<method>#<channel>                       money received and refunded
DEADLINE = "X"  # D: X#<deadline, minute>#<order_id>                   an open reservation's deadline
ENTRY = "E"  # P: E#<hour>#<gate>#<block or standing area>          admitted scans

MEASURES = ("tickets", "amount", "fees", "orders", "reserved", "received", "refunded", "entries")

# Order states and payment states as the sales context writes them (strings, to stay pure).
PAID = "paid"
RESERVATION = "reservation"
ENDED = ("cancelled", "expired")
COUNTED_PAYMENTS = ("succeeded", "refunded")  # money that reached the organisation
RETURNED = "returned"  # a voucher or credit debit given back

Cell = tuple[str, str, str]  # (family, bucket: performance id or YYYY-MM, sort key)
Contribution = dict[Cell, dict[str, int]]


def shard_of(order_id: str) -> int:
    return zlib.crc32(order_id.encode()) % SHARDS


def _local(at: str, zone: str) -> datetime:
    """The instant in the organisation's zone (a time stored without an offset is UTC)."""
    moment = datetime.fromisoformat(str(at).replace("Z", "+00:00"))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(ZoneInfo(zone))


def _day(at: str | None, fallback: str, zone: str = "UTC") -> str:
    """The organisation's calendar day of the instant: a sale at 00:30 in Paris counts on that day."""
    return _local(at or fallback, zone).date().isoformat()


def _last_at(order: Any, statuses: tuple[str, ...]) -> str | None:
    found = [entry.get("at") for entry in order.history if entry.get("status") in statuses]
    return found[-1] if found else None


def sale_day(order: Any, zone: str = "UTC") -> str:
    """A sale counts on the day the order became paid (a reservation paid late counts on that day)."""
    return _day(_last_at(order, (PAID,)), order.created_at, zone)


def end_day(order: Any, zone: str = "UTC") -> str:
    return _day(_last_at(order, ENDED), order.created_at, zone)


def scans_seen(tickets: Iterable[Any]) -> int:
    """Scan records only ever grow: with the order's version they order two reads of one order."""
    return sum(len(ticket.scans or []) for ticket in tickets)


def _add(cells: Contribution, cell: Cell, **measures: int) -> None:
    target = cells.setdefault(cell, defaultdict(int))
    for name, value in measures.items():
        target[name] += value


def contribution(order: Any, tickets: Iterable[Any] = (), zone: str = "UTC") -> Contribution:
    """Every cell the order adds to, as it is now: sales once paid, open reservations, money, entries.

    Days and entry hours are the organisation's (`zone`); reservation deadlines stay instants (UTC)."""
    cells: Contribution = {}
    if order.status == PAID:
        _sales(cells, order, zone)
    if order.status == RESERVATION:
        _reservation(cells, order)
    _takings(cells, order, zone)
    _entries(cells, tickets, zone)
    return {cell: dict(measures) for cell, measures in cells.items() if any(measures.values())}


def _sales(cells: Contribution, order: Any, zone: str) -> None:
    day = sale_day(order, zone)
    where = f"{order.channel_id}#{order.pos_id}"
    for line in order.lines:
        what = f"{line.category_id or ''}#{line.audience_subcategory_id}#{where}"
        _add(
            cells,
            (PERFORMANCE, line.performance_id, f"{SALE}#{day}#{what}"),
            tickets=1,
            amount=line.unit_price,
        )
        # without dates, a report reads these: a few items per performance, not one per day of sales
        _add(cells, (PERFORMANCE, line.performance_id, f"{NET}#{what}"), tickets=1, amount=line.unit_price)
    _add(
        cells,
        (MONTH, day[:7], f"{SALE}#{day}#{where}"),
        tickets=len(order.lines),
        amount=sum(line.unit_price for line in order.lines),
        fees=order.booking_fee + order.delivery_fee,
        orders=1,
    )


def _reservation(cells: Contribution, order: Any) -> None:
    for line in order.lines:
        _add(cells, (PERFORMANCE, line.performance_id, f"{RESERVED}#{line.category_id or ''}"), reserved=1)
    if order.deadline:
        deadline = datetime.fromtimestamp(order.deadline, UTC).strftime("%Y-%m-%dT%H:%M")
        sort = f"{DEADLINE}#{deadline}#{order.order_id}"
        _add(cells, (MONTH, deadline[:7], sort), reserved=len(order.lines), amount=order.total)


def _takings(cells: Contribution, order: Any, zone: str) -> None:
    was_paid = any(entry.get("status") == PAID for entry in order.history)

    def money(day: str, method: str, **measures: int) -> None:
        _add(cells, (MONTH, day[:7], f"{TAKINGS}#{day}#{method}#{order.channel_id}"), **measures)

    for payment in order.payments:
        day = _day(payment.at, order.created_at, zone)
        if payment.status in COUNTED_PAYMENTS:
            money(day, payment.method, received=payment.amount)
        elif payment.status == RETURNED and was_paid:
            # a paid order's voucher or credit given back on cancellation: received, then refunded
            money(day, payment.method, received=payment.amount)
            money(end_day(order, zone), payment.method, refunded=payment.amount)
    for refund in order.refunds:
        money(
            _day(refund.get("at"), order.created_at, zone),
            refund.get("to") or "",
            refunded=int(refund["amount"]),
        )


def _entries(cells: Contribution, tickets: Iterable[Any], zone: str) -> None:
    for ticket in tickets:
        place = ticket.document.get("block") or ticket.document.get("area") or ""
        for scan in ticket.scans or []:
            if scan.get("result") != "valid" or scan.get("admitted") is False:
                continue
            hour = f"{_local(scan['at'], zone):%Y-%m-%dT%H}"
            sort = f"{ENTRY}#{hour}#{scan.get('gate') or ''}#{place}"
            _add(cells, (PERFORMANCE, ticket.performance_id, sort), entries=1)


def difference(old: Contribution, new: Contribution) -> Contribution:
    """What to add to the aggregates to go from `old` to `new`; cells that do not change are left out."""
    delta: Contribution = {}
    for cell in old.keys() | new.keys():
        before, after = old.get(cell, {}), new.get(cell, {})
        change = {m: after.get(m, 0) - before.get(m, 0) for m in before.keys() | after.keys()}
        change = {m: v for m, v in change.items() if v}
        if change:
            delta[cell] = change
    return delta


def total(contributions: Iterable[Contribution]) -> Contribution:
    """The sum of several contributions (what the aggregates hold when each was counted once)."""
    summed: Contribution = {}
    for one in contributions:
        for cell, measures in one.items():
            _add(summed, cell, **measures)
    return {cell: dict(m) for cell, m in summed.items() if any(m.values())}


def encode(contribution_: Contribution) -> dict[str, dict[str, int]]:
    return {"|".join(cell): measures for cell, measures in contribution_.items()}


def decode(stored: dict[str, Any] | None) -> Contribution:
    cells: Contribution = {}
    for key, measures in (stored or {}).items():
        family, bucket, sort = key.split("|", 2)
        cells[(family, bucket, sort)] = {m: int(v) for m, v in measures.items()}
    return cells


def newer(version: int, scans: int, than: tuple[int, int] | None) -> bool:
    """Whether a read (order version, scans seen) is later than the one last counted."""
    return than is None or (version, scans) > than
