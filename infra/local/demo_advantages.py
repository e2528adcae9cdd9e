"""The demo's advantages: one of each target type, a promo code, the loyalty indicator and a target list.

Idempotent: an advantage or promo code whose public name (or code) exists is left as it is.
"""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.advantages import codes, service
from chalicelib.advantages.model import PUT_IN_OPERATION, AdvantageSpec, PromoCodeSpec
from chalicelib.auth import repository as accounts
from chalicelib.catalog import customer_kinds as ck
from chalicelib.catalog import service as catalog
from chalicelib.customers import service as customers
from chalicelib.customers import target_lists

LOYALTY = ck.IndicatorSpec(
    code="LOYALTY",
    name="Loyalty",
    levels=[ck.LevelSpec(id="REGULAR", name="Regular"), ck.LevelSpec(id="SUBSCRIBER", name="Subscriber")],
)
PATRONS = ck.TargetListSpec(code="PATRONS", name="Patrons", description="Friends of the theatre")
PARTNER_CODE = "ACME-STAFF"
PROMO_CODE = "WELCOME10"
INVITATIONS = 20


def _advantages(id_of: Callable[[str, str], str], indicator: str, patrons: str) -> list[dict]:
    def price(subcategory: str, kind: str, value: int) -> dict:
        return {
            "audience_subcategory_id": id_of("audience_subcategory", subcategory),
            "rule": {"kind": kind, "value": value},
        }

    return [
        {
            "public_name": "Under 26: Cyrano at 12.00",
            "event_ids": [id_of("event", "CYRANO")],
            "prices": [price("UNDER26", "set_price", 1200)],
            "target": {"type": "general_public"},
        },
        {
            "public_name": "Patrons' evening",
            "event_ids": [id_of("event", "NUTCRACKER")],
            "prices": [price("FULL", "percent_off", 20)],
            "target": {"type": "contacts", "target_list_id": patrons},
        },
        {
            "public_name": "Loyal spectators: 5.00 off",
            "event_ids": [id_of("event", code) for code in ("CYRANO", "NUTCRACKER", "JAZZ-GALA")],
            "prices": [price("FULL", "amount_off", 500)],
            "target": {"type": "indicator", "indicator": indicator, "level": "REGULAR"},
            "max_per_order": 4,
        },
        {
            "public_name": "ACME staff: 15 % off the Jazz Gala",
            "event_ids": [id_of("event", "JAZZ-GALA")],
            "prices": [price("FULL", "percent_off", 15)],
            "target": {"type": "partner", "access_code": PARTNER_CODE},
            "quota": 50,
        },
        {
            "public_name": "Invitation to Cyrano",
            "event_ids": [id_of("event", "CYRANO")],
            "prices": [price("FULL", "set_price", 0)],
            "target": {"type": "single_use_codes"},
            "quota": INVITATIONS,
            "max_per_order": 1,
        },
    ]


def seed_advantages(
    org_id: str, id_of: Callable[[str, str], str], season_code: str, relay_contact_id: str, shopper_email: str
) -> str:
    """Make what is missing; say what was made ("" when everything was there)."""
    made = []
    if not _has(org_id, "indicator", LOYALTY.code):
        catalog.create(org_id, "indicator", LOYALTY)
        made.append("indicator LOYALTY")
    if not _has(org_id, "target_list", PATRONS.code):
        created = catalog.create(org_id, "target_list", PATRONS)
        target_lists.add_contacts(org_id, created.id, [relay_contact_id])
        made.append("target list PATRONS (the school's relay)")
    indicator = customers.indicator_id(org_id, LOYALTY.code)
    found = accounts.find_shopper_by_email(org_id, shopper_email)
    if found is not None:
        customers.grant(org_id, shopper_id=found[0].shopper_id, indicator_id=indicator, level="REGULAR")
    patrons = catalog.get_by_code(org_id, "target_list", PATRONS.code).id
    existing = {a.public_name for a in service.list_advantages(org_id)}
    season_id = id_of("season", season_code)
    for body in _advantages(id_of, indicator, patrons):
        if body["public_name"] in existing:
            continue
        advantage = service.create_advantage(org_id, AdvantageSpec(season_id=season_id, **body))
        live = service.change_advantage_state(org_id, advantage.advantage_id, PUT_IN_OPERATION, 1)
        if body["target"]["type"] == "single_use_codes":
            codes.generate_codes(org_id, live.advantage_id, INVITATIONS, contact_id=relay_contact_id)
        made.append(f"advantage {body['public_name']!r}")
    if PROMO_CODE not in {p.code for p in service.list_promo_codes(org_id)}:
        spec = PromoCodeSpec(
            code=PROMO_CODE,
            public_name="Welcome: 10 % off from 50.00",
            discount={"kind": "percent_off", "value": 10},
            minimum_basket=5000,
            max_uses_per_customer=1,
        )
        promo = service.create_promo_code(org_id, spec)
        service.change_promo_code_state(org_id, promo.promo_id, PUT_IN_OPERATION, 1)
        made.append(f"promo code {PROMO_CODE}")
    if not made:
        return ""
    return f"{', '.join(made)} (partner code {PARTNER_CODE}, promo code {PROMO_CODE})"


def _has(org_id: str, kind: str, code: str) -> bool:
    return any(item.data.get("code") == code for item in catalog.all_items(org_id, kind))
