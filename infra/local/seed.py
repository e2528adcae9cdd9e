"""The demo data of the local stack, as a list of idempotent steps: re-running changes nothing.

The catalog (infra/local/demo_catalog.py, demo_plan.py) is made through the catalog services, so it
passes the rules the API applies; its performances are opened by the real open-performance workflow.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

from chalicelib.auth import relays
from chalicelib.auth import service as auth
from chalicelib.auth.model import AREAS, Role
from chalicelib.catalog import kinds as k
from chalicelib.catalog import plan_service
from chalicelib.catalog import service as catalog
from chalicelib.catalog.repository import Stored
from chalicelib.errors import AlreadyExists
from infra.local import demo_advantages, demo_opening, demo_plan, demo_season_tickets, demo_spaces
from infra.local import demo_catalog as demo

ORG = "demo"
ORG_NAME = "Demo Theatre"
ADMIN_LOGIN, ADMIN_PASSWORD = "admin", "admin-password"
BOX_OFFICE_ROLE = "box-office"
# Reads every area but operators: the catalog (catalog:read), sales and runs; changes nothing.
BOX_OFFICE_RIGHTS = {area: ["read"] for area in AREAS if area != "operators"}
CASHIER_LOGIN, CASHIER_PASSWORD = "cashier", "cashier-password"
SHOPPER_EMAIL, SHOPPER_PASSWORD = "shopper@example.com", "shopper-password"


class DemoSeedError(RuntimeError):
    """The demo cannot be made as declared: an item it needs is gone (deleted by hand?)."""


# Set by the local stack when DynamoDB is moto's (no Java): the seed then leaves out the demo options.
MOTO_DYNAMODB_FLAG = "GUICHET_LOCAL_DYNAMODB_IS_MOTO"


def organisation() -> str:
    created = auth.create_organisation(ORG, ORG_NAME, ADMIN_LOGIN, ADMIN_PASSWORD)
    return f"organisation {ORG} ({ORG_NAME}) with administrator {ADMIN_LOGIN}" if created else ""


def box_office_role() -> str:
    try:
        auth.save_role(ORG, Role(BOX_OFFICE_ROLE, BOX_OFFICE_RIGHTS), create=True)
    except AlreadyExists:
        return ""
    return f"role {BOX_OFFICE_ROLE} (reads the catalog and sales, no operators rights)"


def cashier() -> str:
    if CASHIER_LOGIN in {operator.login for operator in auth.list_operators(ORG)}:
        return ""  # checked first: hashing a password to then find the operator there costs 0.3 s
    auth.create_operator(ORG, CASHIER_LOGIN, "Box-office cashier", CASHIER_PASSWORD, [BOX_OFFICE_ROLE])
    return f"operator {CASHIER_LOGIN} with role {BOX_OFFICE_ROLE}"


def shopper() -> str:
    try:
        auth.register_shopper(ORG, SHOPPER_EMAIL, "Demo Shopper", SHOPPER_PASSWORD)
    except AlreadyExists:
        return ""
    return f"shopper {SHOPPER_EMAIL}"


class Catalog:
    """The organisation's catalog items by kind and code, read once per kind, added to as made."""

    def __init__(self, org_id: str) -> None:
        self.org_id = org_id
        self._items: dict[str, dict[str, Stored]] = {}
        self.created = 0

    def items(self, kind: str) -> dict[str, Stored]:
        if kind not in self._items:
            self._items[kind] = {item.data["code"]: item for item in catalog.all_items(self.org_id, kind)}
        return self._items[kind]

    def has(self, kind: str, code: str) -> bool:
        return code in self.items(kind)

    def get(self, kind: str, code: str) -> Stored:
        try:
            return self.items(kind)[code]
        except KeyError:
            label = kind.replace("_", " ")
            raise DemoSeedError(f"The demo's {label} {code} is missing (was it deleted?)") from None

    def id(self, kind: str, code: str) -> str:
        return self.get(kind, code).id

    def ensure(self, kind: str, spec: k.Spec) -> bool:
        """Make the item unless one has its code; True when it was made now."""
        code = spec.code  # type: ignore[attr-defined]
        if self.has(kind, code):
            return False
        self.keep(catalog.create(self.org_id, kind, spec))
        return True

    def keep(self, item: Stored, made: bool = True) -> None:
        """Remember an item made (or, with made=False, changed) by the seed."""
        self.items(item.kind)[item.data["code"]] = item
        self.created += made


def _made(cat: Catalog, before: int, what: str) -> str:
    return what if cat.created > before else ""


def season(cat: Catalog) -> str:
    before = cat.created
    cat.ensure("season", demo.SEASON)
    cat.ensure("activity", demo.ACTIVITY)
    return _made(cat, before, f"season {demo.SEASON.code}, activity {demo.ACTIVITY.name} (options allowed)")


def venue(cat: Catalog) -> str:
    before = cat.created
    cat.ensure("venue", demo.VENUE)
    code, name = demo.HALL
    cat.ensure("hall", k.HallSpec(venue_id=cat.id("venue", demo.VENUE.code), code=code, name=name))
    for spec in demo.SEAT_CATEGORIES:
        cat.ensure("seat_category", spec)
    codes = ", ".join(spec.code for spec in demo.SEAT_CATEGORIES)
    return _made(cat, before, f"venue {demo.VENUE.name}, hall {name}, seat categories {codes}")


def sales(cat: Catalog) -> str:
    """Quotas and channels name each other: the open quotas first, then the channels, then the quotas
    reserved to a channel; a channel made now then lists those too."""
    before = cat.created
    for quota in demo.QUOTAS:
        if not quota.exclusive_to:
            cat.ensure("quota", quota.spec([]))
    made = []
    for channel in demo.CHANNELS:
        quota_ids = [cat.id("quota", code) for code in channel.quotas if cat.has("quota", code)]
        if cat.ensure("sales_channel", channel.spec(quota_ids)):
            made.append(channel)
    for quota in demo.QUOTAS:
        if quota.exclusive_to:
            cat.ensure("quota", quota.spec([cat.id("sales_channel", code) for code in quota.exclusive_to]))
    for channel in made:
        stored = cat.get("sales_channel", channel.code)
        quota_ids = [cat.id("quota", code) for code in channel.quotas]
        if quota_ids != stored.data["quota_ids"]:
            changed = catalog.replace(
                ORG, "sales_channel", stored.id, channel.spec(quota_ids), stored.version
            )
            cat.keep(changed, made=False)
    for channel in demo.CHANNELS:
        cat.ensure("point_of_sale", channel.point_of_sale_spec(cat.id("sales_channel", channel.code)))
    external = next(q.code for q in demo.QUOTAS if q.type == k.QuotaType.EXTERNAL)
    points = ", ".join(channel.code for channel in demo.CHANNELS)
    return _made(cat, before, f"quotas incl. external {external}, 5 channels with points of sale {points}")


def seating_plan(cat: Catalog) -> str:
    """The hall's plan and its layout in one import (the file names categories and quotas by code);
    then the layout's share of the pit between quotas."""
    before, (code, name) = cat.created, demo.PLAN
    if not cat.has("seating_plan", code):
        pit = k.StandingArea.model_validate(demo_plan.PIT)
        spec = k.SeatingPlanSpec(hall_id=cat.id("hall", demo.HALL[0]), code=code, name=name, areas=[pit])
        plan, layout = plan_service.import_plan(ORG, spec, "json", demo_plan.document(), demo.LAYOUT)
        cat.keep(plan)
        cat.keep(layout)  # type: ignore[arg-type] - made, since a layout was asked for
    layout = cat.get("layout", demo.LAYOUT[0])
    if not layout.data.get("areas"):
        pit = k.AreaAssignment(
            area=demo_plan.PIT["code"],
            seat_category_id=cat.id("seat_category", demo.PIT_CATEGORY),
            quotas={cat.id("quota", quota): places for quota, places in demo_plan.PIT_QUOTAS.items()},
        )
        spec = k.LayoutSpec.model_validate({**layout.data, "areas": [pit.model_dump()]})
        cat.keep(catalog.replace(ORG, "layout", layout.id, spec, layout.version))
    plan, figures = cat.get("seating_plan", code), demo_plan.figures()
    seats = f"{plan.state['seat_count']:,} seats in {plan.state['block_count']} blocks"
    pit = f"standing {demo_plan.PIT['name']} for {demo_plan.PIT['capacity']}"
    return _made(cat, before, f"plan {code}: {seats} ({figures.accessible} wheelchair), {pit}")


def prices(cat: Catalog) -> str:
    before = cat.created
    for (code, name), subcategories in demo.AUDIENCES.items():
        cat.ensure("audience_category", k.AudienceCategorySpec(code=code, name=name))
        parent = cat.id("audience_category", code)
        for sub_code, sub_name in subcategories:
            spec = k.AudienceSubcategorySpec(audience_category_id=parent, code=sub_code, name=sub_name)
            cat.ensure("audience_subcategory", spec)
    for grid in demo.PRICE_GRIDS:
        cells = [
            k.Price(
                seat_category_id=cat.id("seat_category", category),
                audience_subcategory_id=cat.id("audience_subcategory", audience),
                amount=amount,
            )
            for category, amounts in grid.amounts.items()
            for audience, amount in zip(demo.GRID_AUDIENCES, amounts, strict=True)
        ]
        cat.ensure("price_grid", k.PriceGridSpec(code=grid.code, name=grid.name, prices=cells))
    shape = f"{len(demo.GRID_AUDIENCES)} audience subcategories x {len(demo.SEAT_CATEGORIES)} seat categories"
    return _made(cat, before, f"price grids {', '.join(g.code for g in demo.PRICE_GRIDS)} ({shape})")


def evening(days_ahead: int) -> datetime:
    """The evening `days_ahead` days from today, at curtain time, in the theatre's time zone."""
    zone = ZoneInfo(demo.TIMEZONE)
    day = datetime.now(zone).date() + timedelta(days=days_ahead)
    return datetime.combine(day, clock(*demo.CURTAIN), tzinfo=zone)


def events(cat: Catalog) -> str:
    before = cat.created
    refs = {
        "season_id": cat.id("season", demo.SEASON.code),
        "activity_id": cat.id("activity", demo.ACTIVITY.code),
    }
    where = {"hall_id": cat.id("hall", demo.HALL[0]), "layout_id": cat.id("layout", demo.LAYOUT[0])}
    today = evening(0).replace(hour=0, minute=0)
    for event in demo.EVENTS:
        grid = cat.id("price_grid", event.price_grid)
        spec = k.EventSpec(
            **refs,
            code=event.code,
            name=event.name,
            description=event.description,
            price_grid_id=grid,
            status=k.EventStatus.PUBLISHED,
        )
        cat.ensure("event", spec)
        for code, days in event.performances():
            starts_at = evening(days)
            performance = k.PerformanceSpec(
                event_id=cat.id("event", event.code),
                **where,
                code=code,
                starts_at=starts_at,
                sales_open_at=today - timedelta(days=demo.SALES_OPENED_DAYS_AGO),  # the history sells then
                sales_close_at=starts_at,
            )
            cat.ensure("performance", performance)
    count = sum(len(event.days_ahead) for event in demo.EVENTS)
    return _made(cat, before, f"{len(demo.EVENTS)} published events with {count} evening performances")


def open_for_sale(cat: Catalog) -> str:
    codes = [code for event in demo.EVENTS for code, _ in event.performances()]
    return demo_opening.open_for_sale(ORG, [cat.id("performance", code) for code in codes])


def option_customers(cat: Catalog) -> str:
    """Company types, a school with a relay (who also has a shop account), its limitation table and
    the company space's option profile."""
    before = cat.created
    for spec in demo.COMPANY_TYPES:
        cat.ensure("company_type", spec)
    code, name, type_code = demo.COMPANY
    cat.ensure(
        "company", k.CompanySpec(code=code, name=name, company_type_id=cat.id("company_type", type_code))
    )
    relay_code, relay_name, email = demo.RELAY
    relay = k.ContactSpec(
        code=relay_code, name=relay_name, email=email, company_id=cat.id("company", code), relay=True
    )
    cat.ensure("contact", relay)
    limit_code, limit_name, most = demo.SCHOOL_LIMITATION
    limitation = k.OptionLimitationSpec(
        code=limit_code,
        name=limit_name,
        company_type_ids=[cat.id("company_type", type_code)],
        max_places_per_option=most,
    )
    cat.ensure("option_limitation", limitation)
    profile_code, profile_name, channel, minimum = demo.OPTION_PROFILE
    profile = k.SeatOptionProfileSpec(
        code=profile_code,
        name=profile_name,
        channel_ids=[cat.id("sales_channel", channel)],
        starts_on=demo.SEASON.starts_on,
        ends_on=demo.SEASON.ends_on,
        minimum_quantity=minimum,
        validated=True,
    )
    cat.ensure("seat_option_profile", profile)
    with contextlib.suppress(AlreadyExists):
        _, _, shopper = auth.register_shopper(ORG, email, relay_name, demo.RELAY_PASSWORD)
        # as the relay's accepted invitation would (auth/relays.py)
        relays.link(ORG, shopper.shopper_id, cat.id("contact", relay_code))
    return _made(cat, before, f"option customers: {name} and its relay {email}, profile {profile_code}")


def demo_options(cat: Catalog) -> str:
    """A few options in different states (requested, placed, validated, refused, waiting)."""
    from infra.local import demo_options as made

    if os.environ.get(MOTO_DYNAMODB_FLAG):
        # moto answers each query over every item of a partition: the options' stock reads take minutes
        return "demo options left out: DynamoDB is served by moto (install Java for DynamoDB Local)"
    return made.seed_options(ORG, cat.id, cat.id("contact", demo.RELAY[0]))


def advantages(cat: Catalog) -> str:
    """One advantage of each target type, a promo code, the loyalty indicator and a target list."""
    relay = cat.id("contact", demo.RELAY[0])
    return demo_advantages.seed_advantages(ORG, cat.id, demo.SEASON.code, relay, SHOPPER_EMAIL)


def season_tickets(cat: Catalog) -> str:
    """The seed's "Season ticket with 4 performances": one line per event, 10 % under the events' grids."""
    return demo_season_tickets.seed_season_ticket(ORG, cat.id, demo.SEASON.code)


def company_spaces(cat: Catalog) -> str:
    """The school's deferred account, an agency and a producer with their relays, a pending company
    account request (infra/local/demo_spaces.py)."""
    return demo_spaces.seed_spaces(ORG, cat)


def distributor(cat: Catalog) -> str:
    """TicketHub's interface on the simulated distributor: mappings, an export, two sales reintegrated
    and a schedule (infra/local/demo_distributors.py)."""
    if os.environ.get(MOTO_DYNAMODB_FLAG):  # too slow on moto, like the options
        return ""
    from infra.local import demo_distributors

    return demo_distributors.seed_distributor(ORG, cat, demo.SEASON.code)


def sales_history(cat: Catalog) -> str:
    """Sales, cancellations, a reservation and door scans, through the services (the reports' demo)."""
    from infra.local import demo_history

    return demo_history.seed_demo(ORG, cat.id)


def catalog_steps() -> tuple[Callable[[], str], ...]:
    cat = Catalog(ORG)
    return tuple(
        (lambda step=step: step(cat))
        for step in (
            season,
            venue,
            sales,
            seating_plan,
            prices,
            events,
            open_for_sale,
            option_customers,
            advantages,
            season_tickets,
            company_spaces,
            distributor,
            demo_options,
            sales_history,
        )
    )


def steps() -> tuple[Callable[[], str], ...]:
    """In order; each step returns what it made, or "" when it was already there."""
    return (organisation, box_office_role, cashier, shopper, *catalog_steps())


def summary() -> str:
    """What the demo holds, in a line: the same whether this run made it or found it."""
    figures, performances = demo_plan.figures(), sum(len(event.days_ahead) for event in demo.EVENTS)
    hall = f"{figures.seats:,} seats in {figures.blocks} blocks + {demo_plan.PIT['capacity']} standing"
    points = ", ".join(channel.code for channel in demo.CHANNELS)
    return (
        f"{len(demo.EVENTS)} events, {performances} performances on sale ({hall}); "
        f"points of sale {points} (shop: /shop/{ORG}/pos/WEB/performances); advantages of each "
        f"target type, partner code {demo_advantages.PARTNER_CODE}, promo code {demo_advantages.PROMO_CODE}; "
        f"season ticket {demo_season_tickets.CODE} (/shop/{ORG}/pos/WEB/season-tickets); "
        f"deferred accounts of {demo.COMPANY[1]} and {demo.AGENCY[1]}, producer {demo.PRODUCER[1]} of "
        f"{', '.join(demo.PRODUCED_EVENTS)}, a company account request to decide "
        f"({demo.ACCOUNT_REQUEST['company_name']}); relays log in at /shop/{ORG}/relay-login; "
        f"distributor TicketHub on the simulated distributor (/distributor-simulator/{ORG}/<interface>/page)"
    )


def seed() -> list[str]:
    """Run every step against the configured tables; returns what was created this time.

    The steps run in a worker thread that this one waits for. The runner's Ctrl-C handler raises in
    the main thread: while it waits, the seed stops at once; inside a boto3 call (the seed spends
    seconds in them while performances open), botocore would take the exception for a connection
    error and retry the request, and the Ctrl-C would be lost.
    """
    made: list[str] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            made.extend(done for done in (step() for step in steps()) if done)
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
            failed.append(exc)

    worker = threading.Thread(target=run, name="guichet-seed", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.1)
    if failed:
        raise failed[0]
    return made
