"""Rights as plain Python: areas, actions, roles, and who may do what."""

from __future__ import annotations

from dataclasses import dataclass, field

# The five operator rights of the seeds (L, C, M, S, E).
ACTIONS = ("read", "create", "modify", "delete", "execute")

# Action areas of the back-office; each route needs one action in one area.
AREAS = (
    "operators",
    "catalog",
    "inventory",
    "orders",
    "options",
    "advantages",
    "distributors",
    "season_tickets",
    "reports",
    "workflows",
    "ticket_control",
    "contacts",
    "queues",
)
# The option screens' own areas, one per action of the seed's rights table; a role's rights in the
# "options" area grant the same action in each of them.
OPTION_AREAS = (
    "option_requests",
    "option_placements",
    "option_placement_management",
    "option_refusals",
    "option_refusal_cancellations",
    "option_waiting_list",
    "option_waiting_list_returns",
    "option_orders",
    "option_order_cancellations",
    "option_firm_placements",
    "option_reports",
)
AREAS = (*AREAS, *OPTION_AREAS)

ADMINISTRATOR_ROLE = "administrator"

# The product families of the seeds. Options here are seat options: their products are events, the
# "single entry" family; an operator whose scope leaves it out places no seat option.
SINGLE_ENTRY = "single_entry"
PRODUCT_FAMILIES = (
    SINGLE_ENTRY,
    "season_ticket",
    "pass",
    "package",
    "membership",
    "service",
    "gift_voucher",
)


@dataclass(frozen=True)
class Right:
    area: str
    action: str

    def __str__(self) -> str:
        return f"{self.area}:{self.action}"


@dataclass
class Role:
    name: str
    rights: dict[str, list[str]] = field(default_factory=dict)

    def grants(self, right: Right) -> bool:
        return right.action in self.rights.get(right.area, [])


@dataclass(frozen=True)
class Scope:
    """What an operator may work on (the seed's "périmètre"): audience categories and product
    families. An empty set leaves that side unrestricted, as every operator is by default."""

    audience_category_ids: frozenset[str] = frozenset()
    product_families: frozenset[str] = frozenset()

    def covers_family(self, family: str) -> bool:
        return not self.product_families or family in self.product_families

    def covers_audience(self, audience_category_id: str) -> bool:
        return not self.audience_category_ids or audience_category_id in self.audience_category_ids

    @property
    def limits_audience(self) -> bool:
        return bool(self.audience_category_ids)

    def within(self, other: Scope) -> bool:
        """Whether this scope is no wider than `other` (what an operator restricted to `other` may give)."""
        return all(
            not theirs or (bool(mine) and mine <= theirs)
            for mine, theirs in (
                (self.audience_category_ids, other.audience_category_ids),
                (self.product_families, other.product_families),
            )
        )

    def as_dict(self) -> dict[str, list[str]]:
        return {
            "audience_category_ids": sorted(self.audience_category_ids),
            "product_families": [f for f in PRODUCT_FAMILIES if f in self.product_families],
        }


def all_rights() -> dict[str, list[str]]:
    return {area: list(ACTIONS) for area in AREAS}


@dataclass
class Operator:
    org_id: str
    login: str
    name: str
    roles: list[str]
    active: bool = True
    token_version: int = 0
    password_changed_at: str | None = None  # ISO time of the last password change, and by whom
    password_changed_by: str | None = None
    ended_sessions: frozenset[str] = frozenset()  # session keys logged out, until their tokens expire
    scope: Scope = Scope()  # the audience categories and product families they work on; empty: all


@dataclass
class Shopper:
    org_id: str
    shopper_id: str
    email: str
    name: str
    token_version: int = 0
    email_verified: bool = False
    relay_contact_id: str | None = None  # the relay contact this account acts for (by invitation)
    ended_sessions: frozenset[str] = frozenset()
    contact_id: str | None = None  # the contact this account is, linked by an operator
    levels: dict[str, str] = field(default_factory=dict)  # indicator id -> level id the account holds
    levels_version: int = 0  # moves with every write of `levels`
    # The profile (spaces/personal.py): read with `shoppers.profile`, not by every token check.
    phone: str | None = None
    address: dict[str, str] | None = None  # line1, line2, postal_code, city, country
    language: str | None = None
    cultural_contact_consent: bool = False  # agrees to be contacted by the producers and organisers
    cultural_contact_consent_at: str | None = None  # ISO time the consent was last given or withdrawn


@dataclass
class OperatorCaller:
    """An authenticated operator with the rights of their roles, as loaded for this request."""

    operator: Operator
    roles: list[Role]
    session_key: str | None = None  # the session of the token this request came with

    @property
    def org_id(self) -> str:
        return self.operator.org_id

    def may(self, right: Right) -> bool:
        return self.operator.active and any(role.grants(right) for role in self.roles)

    @property
    def is_administrator(self) -> bool:
        return self.operator.active and ADMINISTRATOR_ROLE in self.operator.roles

    def holds_all(self, rights: dict[str, list[str]]) -> bool:
        """Whether every right in `rights` is one of the caller's own (what they may grant)."""
        return all(self.may(Right(area, action)) for area, actions in rights.items() for action in actions)

    @property
    def buyer_id(self) -> str:
        """An operator selling through the shop (box office) owns carts under this id."""
        return f"operator-{self.operator.login}"

    def rights(self) -> dict[str, list[str]]:
        merged: dict[str, list[str]] = {}
        for role in self.roles:
            for area, actions in role.rights.items():
                merged[area] = sorted(set(merged.get(area, [])) | set(actions), key=ACTIONS.index)
        return merged


@dataclass
class ShopperCaller:
    shopper: Shopper
    session_key: str | None = None

    @property
    def org_id(self) -> str:
        return self.shopper.org_id

    @property
    def buyer_id(self) -> str:
        return self.shopper.shopper_id


@dataclass
class GuestCaller:
    """A shopper buying without an account: what they own is bound to their guest token."""

    org_id: str
    guest_id: str

    @property
    def buyer_id(self) -> str:
        return f"guest-{self.guest_id}"
