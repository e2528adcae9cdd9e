"""The demo's catalog, declared by code: a season, a hall, categories, quotas, channels, prices, events.

infra/local/seed.py makes it through the catalog services, looking each item up by code first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from chalicelib.catalog import kinds as k

SEASON = k.SeasonSpec(
    code="2026-2027", name="Season 2026-2027", starts_on=date(2026, 9, 1), ends_on=date(2027, 7, 31)
)
ACTIVITY = k.ActivitySpec(
    code="LIVE",
    name="Live shows",
    options_allowed=True,
    options_count_against_availability=True,
    overbooking_allowed=True,
    overbooking_percent=10,
    confirm_days_after_placing=15,
    confirm_days_before_performance=7,
)
# The theatre's time zone: its venue's, in which every time of its performances is shown, and the seed's
# curtain times (infra/local/seed.py evening()).
TIMEZONE = "Europe/Paris"
VENUE = k.VenueSpec(
    code="DEMO-THEATRE", name="Demo Theatre", address="1 place du Théâtre, 75001 Paris", timezone=TIMEZONE
)
HALL = ("MAIN", "Main hall")  # (code, name)
PLAN = ("MAIN-2026", "Main hall: stalls, balcony and pit")
LAYOUT = ("STANDARD", "Seated and pit")

SEAT_CATEGORIES = (
    k.SeatCategorySpec(code="CAT1", name="Cat 1", rank=1, colour="#c0392b"),
    k.SeatCategorySpec(code="CAT2", name="Cat 2", rank=2, colour="#e67e22"),
    k.SeatCategorySpec(code="CAT3", name="Cat 3", rank=3, colour="#2980b9"),
    # Wheelchair spaces go to the people who need them: never held in a group's option.
    k.SeatCategorySpec(code="PMR", name="PMR (wheelchair)", rank=4, colour="#27ae60", option_allowed=False),
    k.SeatCategorySpec(code="STANDING", name="Standing (pit)", rank=5, colour="#8e44ad"),
)
PIT_CATEGORY = "STANDING"


@dataclass(frozen=True)
class Quota:
    code: str
    name: str
    type: k.QuotaType
    exclusive_to: tuple[str, ...] = ()  # channel codes that alone sell it

    def spec(self, channel_ids: list[str]) -> k.QuotaSpec:
        exclusive = bool(self.exclusive_to)
        return k.QuotaSpec(
            code=self.code, name=self.name, type=self.type, exclusive=exclusive, channel_ids=channel_ids
        )


QUOTAS = (
    Quota("GENERAL", "General sale", k.QuotaType.OTHER),
    Quota("BOXOFFICE", "Box-office house seats", k.QuotaType.OTHER, ("BOX",)),
    Quota("GROUPS", "Groups", k.QuotaType.GROUP),
    Quota("DISTRIB", "TicketHub allotment", k.QuotaType.EXTERNAL, ("DIST",)),
)

ETICKET = k.DeliveryMethod(code="ETICKET", name="E-ticket (print at home or mobile)")
PICKUP = k.DeliveryMethod(code="PICKUP", name="Box-office pickup")
POST = k.DeliveryMethod(code="POST", name="Post", fee=250)
TRACKED_POST = k.DeliveryMethod(code="POST", name="Tracked post", fee=600)


@dataclass(frozen=True)
class Channel:
    """A sales channel and its point of sale (same code); quotas by code, the ids found when made."""

    code: str
    name: str
    type: k.ChannelType
    quotas: tuple[str, ...]
    settings: dict[str, Any]
    point_of_sale: dict[str, Any]

    def spec(self, quota_ids: list[str]) -> k.SalesChannelSpec:
        return k.SalesChannelSpec(
            code=self.code, name=self.name, type=self.type, quota_ids=quota_ids, **self.settings
        )

    def point_of_sale_spec(self, channel_id: str) -> k.PointOfSaleSpec:
        return k.PointOfSaleSpec(code=self.code, channel_id=channel_id, **self.point_of_sale)


CHANNELS = (
    Channel(
        "BOX",
        "Box office",
        k.ChannelType.BOX_OFFICE,
        ("GENERAL", "BOXOFFICE", "GROUPS"),
        # The cashier sees the plan and the customer: a lone seat is the customer's choice to make.
        {
            "hold_timeout_minutes": 30,
            "seat_selection": k.SeatSelection.MAP,
            "max_tickets_per_performance": 50,
            "always_allow_orphan_seats": True,
            "delivery_methods": [PICKUP, ETICKET, POST],
        },
        {"name": "Box-office counter", "languages": ["fr", "en"]},
    ),
    Channel(
        "WEB",
        "Internet (public)",
        k.ChannelType.INTERNET_B2C,
        ("GENERAL",),
        {
            "hold_timeout_minutes": 20,
            "seat_selection": k.SeatSelection.MAP,
            "max_tickets_per_performance": 8,
            "orphan_seat_trigger": 10,
            "booking_fee": 150,
            "booking_fee_cap": 600,
            "delivery_methods": [ETICKET, PICKUP, POST],
        },
        {"name": "Online shop", "url": "https://shop.demo-theatre.example/"},
    ),
    Channel(
        "PRO",
        "Internet (companies)",
        k.ChannelType.INTERNET_COMPANY,
        ("GENERAL", "GROUPS"),
        {
            "hold_timeout_minutes": 60,
            "seat_selection": k.SeatSelection.AUTO_WITH_MODIFICATION,
            "max_tickets_per_performance": 100,
            "orphan_seat_trigger": 20,
            "booking_fee": 500,
            "booking_fee_cap": 2000,
            "delivery_methods": [ETICKET, PICKUP, TRACKED_POST],
        },
        {
            "name": "Company space",
            "url": "https://pro.demo-theatre.example/",
            "guest_checkout": False,
            "payment_ceiling": 300_000,
        },
    ),
    Channel(
        "AGENCY",
        "Internet (agencies)",
        k.ChannelType.INTERNET_AGENCY,
        ("GENERAL", "GROUPS"),
        {
            "hold_timeout_minutes": 120,
            "seat_selection": k.SeatSelection.AUTO_WITH_VIEW,
            "max_tickets_per_performance": 200,
            "orphan_seat_trigger": 20,
            "delivery_methods": [ETICKET, PICKUP],
        },
        {
            "name": "Agency space",
            "url": "https://agencies.demo-theatre.example/",
            "guest_checkout": False,
            "payment_ceiling": 500_000,
        },
    ),
    Channel(
        "DIST",
        "TicketHub (distributor)",
        k.ChannelType.EXTERNAL,
        ("DISTRIB",),
        {
            "hold_timeout_minutes": 15,
            "seat_selection": k.SeatSelection.NO_PLAN,
            "max_tickets_per_performance": 10,
            "delivery_methods": [ETICKET],
        },
        {"name": "TicketHub", "url": "https://tickethub.example/", "languages": ["fr", "en", "de"]},
    ),
)

# audience category (code, name) -> its subcategories' (code, name)
AUDIENCES = {
    ("STANDARD", "Standard"): (("FULL", "Full price"),),
    ("CONCESSION", "Concessions"): (
        ("REDUCED", "Reduced (students, job seekers, over 65)"),
        ("UNDER26", "Under 26"),
    ),
}
GRID_AUDIENCES = ("FULL", "REDUCED", "UNDER26")


@dataclass(frozen=True)
class PriceGrid:
    code: str
    name: str
    amounts: dict[str, tuple[int, int, int]]  # seat category code -> cents, in GRID_AUDIENCES order


PRICE_GRIDS = (
    PriceGrid(
        "STANDARD",
        "Season prices",
        {
            "CAT1": (5500, 4500, 2500),
            "CAT2": (4200, 3400, 2000),
            "CAT3": (2800, 2200, 1500),
            "PMR": (2800, 2200, 1500),
            "STANDING": (3000, 2500, 2000),
        },
    ),
    PriceGrid(
        "GALA",
        "Gala prices",
        {
            "CAT1": (8500, 7000, 4000),
            "CAT2": (6500, 5200, 3000),
            "CAT3": (4500, 3600, 2200),
            "PMR": (4500, 3600, 2200),
            "STANDING": (4000, 3200, 2500),
        },
    ),
)


@dataclass(frozen=True)
class Event:
    code: str
    name: str
    description: str
    price_grid: str
    # one evening performance on each of these days after the first seeding
    days_ahead: tuple[int, ...] = ()

    def performances(self) -> list[tuple[str, int]]:
        """(performance code, days ahead): codes, not dates, so that a later run finds them."""
        return [(f"{self.code}-{n}", days) for n, days in enumerate(self.days_ahead, start=1)]


EVENTS = (
    Event(
        "CYRANO",
        "Cyrano de Bergerac",
        "Edmond Rostand's heroic comedy, in a new staging.",
        "STANDARD",
        (7, 8, 14),
    ),
    Event(
        "NUTCRACKER",
        "The Nutcracker",
        "Tchaikovsky's ballet, with the city's orchestra.",
        "STANDARD",
        (21, 22),
    ),
    Event("JAZZ-GALA", "Jazz Gala", "A night of big-band jazz, seated or in the pit.", "GALA", (35, 36)),
)
CURTAIN = (20, 0)  # local time of the evening performances

# The demo's sales history (infra/local/demo_history.py) goes back HISTORY_DAYS days from the first
# seeding; the performances' sales open SALES_OPENED_DAYS_AGO days before it, so that it could sell then.
HISTORY_DAYS = 28
SALES_OPENED_DAYS_AGO = HISTORY_DAYS + 7
# A performance already played at the first seeding: sold in the weeks before it, its tickets scanned at
# the door. Apart from EVENTS, whose performances are all to come.
PLAYED = Event("PREMIERE", "Opening Night", "The season's opening night, all the company.", "GALA", (-6,))


# Options: customers who ask for groups of seats, and what the company space lets them ask.
COMPANY_TYPES = (
    k.CompanyTypeSpec(code="WORKS-COUNCIL", name="Works council"),
    k.CompanyTypeSpec(code="SCHOOL", name="School"),
    k.CompanyTypeSpec(code="TOUR-OPERATOR", name="Tour operator"),
)
COMPANY = ("LYCEE-HUGO", "Lycée Victor Hugo", "SCHOOL")  # code, name, company type code
RELAY = ("ANNE-MARTIN", "Anne Martin", "relay@lycee-demo.example")  # code, name, email (also a shop account)
RELAY_PASSWORD = "relay-password"
SCHOOL_LIMITATION = ("SCHOOLS", "Schools: 60 places an option", 60)
OPTION_PROFILE = (
    "GROUPS-PRO",
    "Group options on the company space",
    "PRO",
    10,
)  # code, name, channel, minimum

# The company, agency and producer spaces (infra/local/demo_spaces.py): deferred accounts, an agency and a
# producer with their relays (each also a shop account; the contact's code is their contact number), and a
# company's account request waiting for the operator.
DEFERRED_ACCOUNT = (500_000, 30)  # credit limit (cents), payment terms (days): the school's and the agency's
AGENCY_TYPE = k.CompanyTypeSpec(code="AGENCY", name="Travel agency")
PRODUCER_TYPE = k.CompanyTypeSpec(code="PRODUCER", name="Production company")
AGENCY = ("SOLEIL", "Agence Voyages Soleil", "AGENCY")  # code, name, company type code
AGENCY_POINT_OF_SALE = "AGENCY"  # the internet_agency point of sale that lists it
AGENCY_RELAY = (
    "LUC-MOREAU",
    "Luc Moreau",
    "relay@voyages-soleil.example",
)  # code (contact number), name, email
AGENCY_RELAY_PASSWORD = "agency-password"
PRODUCER = ("THEATRE-CIE", "Compagnie du Théâtre", "PRODUCER")
PRODUCER_RELAY = ("CLARA-PETIT", "Clara Petit", "producer@compagnie-theatre.example")
PRODUCER_RELAY_PASSWORD = "producer-password"
PRODUCED_EVENTS = ("CYRANO", "JAZZ-GALA")  # event codes the producer's relay reads in the producer space
ACCOUNT_REQUEST = {  # the shop's form: waits on the admin page's Company accounts screen
    "company_name": "CSE Ateliers du Port",
    "address": "12 quai des Ateliers, 13002 Marseille",
    "company_type": "WORKS-COUNCIL",
    "relay_name": "Paul Girard",
    "email": "cse@ateliers-port.example",
    "password": "works-council-password",
}
