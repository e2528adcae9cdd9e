"""The demo's season ticket: the seed's "Season ticket with 4 performances", one line per demo event.

On sale, same seat, the seed's category upgrade / downgrade allowed on the product but refused on the
last event's line, the buyer made a subscriber (indicator SUBSCRIBER, made if missing). Each line's
prices are its event's price grid less 10 %. Idempotent: a product with its code is left as it is.
"""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.catalog import customer_kinds as ck
from chalicelib.catalog import service as catalog
from chalicelib.catalog.kinds import Price
from chalicelib.catalog.season_ticket_kinds import (
    CategoryChange,
    LineChoice,
    SeasonTicketLineSpec,
    SeasonTicketSpec,
    SeasonTicketStatus,
)
from chalicelib.errors import NotFound
from infra.local import demo_catalog as demo

CODE = "SEASON-4"
NAME = "Season ticket with 4 performances"
SUBSCRIBER = ck.IndicatorSpec(
    code="SUBSCRIBER", name="Subscriber", levels=[ck.LevelSpec(id="SUBSCRIBER", name="Subscriber")]
)
MAX_LINES = 4
DISCOUNT_PERCENT = 10
# The event whose line refuses another seat category, though the product allows it (the seed's example).
NO_CHANGE_EVENT = demo.EVENTS[-1].code


def _less(amount: int) -> int:
    """The amount less DISCOUNT_PERCENT, rounded half up to the cent."""
    return (amount * (100 - DISCOUNT_PERCENT) + 50) // 100


def _line(
    org_id: str,
    id_of: Callable[[str, str], str],
    event: demo.Event,
    codes: list[str] | None = None,
    suffix: tuple[str, str] = ("", ""),
) -> SeasonTicketLineSpec:
    stored = catalog.get(org_id, "event", id_of("event", event.code))
    grid = catalog.get(org_id, "price_grid", stored.data["price_grid_id"])
    prices = [Price(**{**cell, "amount": _less(cell["amount"])}) for cell in grid.data["prices"]]
    override = (
        CategoryChange.NO
        if event.code == NO_CHANGE_EVENT and len(demo.EVENTS) > 1
        else CategoryChange.INHERIT
    )
    codes = codes if codes is not None else [code for code, _ in event.performances()]
    return SeasonTicketLineSpec(
        id=event.code + suffix[0],
        name=event.name + suffix[1],
        event_id=stored.id,
        performance_ids=[id_of("performance", code) for code in codes],
        choice=LineChoice.OPTIONAL,
        category_change=override,
        prices=prices,
    )


def _lines(org_id: str, id_of: Callable[[str, str], str]) -> list[SeasonTicketLineSpec]:
    """One line per event; with fewer events than MAX_LINES, the first event of several evenings gives
    its last evening a line of its own, so that a buyer can take four performances."""
    events = [event for event in demo.EVENTS if event.days_ahead]
    lines = []
    split = len(events) < MAX_LINES
    for event in events:
        codes = [code for code, _ in event.performances()]
        if split and len(codes) > 1:
            split = False
            lines.append(_line(org_id, id_of, event, codes[:-1]))
            lines.append(_line(org_id, id_of, event, codes[-1:], ("-LAST", ", last evening")))
        else:
            lines.append(_line(org_id, id_of, event))
    return lines


def _subscriber_indicator(org_id: str) -> tuple[str, bool]:
    """The SUBSCRIBER indicator's id, made through the catalog service when missing; True when made."""
    try:
        return catalog.get_by_code(org_id, "indicator", SUBSCRIBER.code).id, False
    except NotFound:
        return catalog.create(org_id, "indicator", SUBSCRIBER).id, True


def seed_season_ticket(org_id: str, id_of: Callable[[str, str], str], season_code: str) -> str:
    """Make the demo's season ticket unless it exists; say what was made ("" when it was there).

    `id_of(kind, code)` is an item's id from its code (infra/local/seed.py's `Catalog.id`): the demo's
    events, performances and price grids must exist (seed.py's prices and events steps).
    """
    try:
        catalog.get_by_code(org_id, "season_ticket", CODE)
        return ""
    except NotFound:
        pass
    indicator, made_indicator = _subscriber_indicator(org_id)
    lines = _lines(org_id, id_of)
    spec = SeasonTicketSpec(
        season_id=id_of("season", season_code),
        code=CODE,
        name=NAME,
        description="Choose your performances among the season's events, for less than their single tickets.",
        status=SeasonTicketStatus.ON_SALE,
        min_lines=1,
        max_lines=min(MAX_LINES, len(lines)),
        same_seat=True,
        grant_subscriber=True,
        subscriber_indicator_id=indicator,
        subscriber_level_id=SUBSCRIBER.levels[0].id,
        allow_category_change=True,
        lines=lines,
    )
    catalog.create(org_id, "season_ticket", spec)
    performances = sum(len(line.performance_ids) for line in lines)
    shape = f"{len(lines)} lines, {performances} performances, 1 to {spec.max_lines} lines"
    made = f"season ticket {NAME!r} ({CODE}): {shape}"
    return made + (", indicator SUBSCRIBER" if made_indicator else "")
