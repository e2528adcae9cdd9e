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
)

ADMINISTRATOR_ROLE = "administrator"


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


def all_rights() -> dict[str, list[str]]:
    return {area: list(ACTIONS) for area in AREAS}


@dataclass
class Operator:
    org_id: str
    login: str
    name: str
    roles: list[str]
    active: bool = True


@dataclass
class Shopper:
    org_id: str
    shopper_id: str
    email: str
    name: str


@dataclass
class OperatorCaller:
    """An authenticated operator with the rights of their roles, as loaded for this request."""

    operator: Operator
    roles: list[Role]

    @property
    def org_id(self) -> str:
        return self.operator.org_id

    def may(self, right: Right) -> bool:
        return self.operator.active and any(role.grants(right) for role in self.roles)

    def rights(self) -> dict[str, list[str]]:
        merged: dict[str, list[str]] = {}
        for role in self.roles:
            for area, actions in role.rights.items():
                merged[area] = sorted(set(merged.get(area, [])) | set(actions), key=ACTIONS.index)
        return merged


@dataclass
class ShopperCaller:
    shopper: Shopper

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
