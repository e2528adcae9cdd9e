"""Request and response models of the account routes (operators, roles, shoppers)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator

from chalicelib.api.routing import Body, Out
from chalicelib.auth.model import ACTIONS, AREAS, PRODUCT_FAMILIES, Operator, Scope


def _email(value: str) -> str:
    local, at, domain = value.rpartition("@")
    if not at or not local or "." not in domain.strip(".") or any(c.isspace() for c in value):
        raise ValueError("value is not a valid e-mail address")
    return value.lower()


# Deliverability is proven by the confirmation e-mail, not by parsing; this catches typos only.
EmailStr = Annotated[str, Field(min_length=3, max_length=254), AfterValidator(_email)]

Slug = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9._-]*$")
Password = Field(min_length=8, max_length=200)


class OperatorLogin(Body):
    org_id: str = Slug
    login: str = Slug
    password: str = Field(min_length=1, max_length=200)


CatalogId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
ProductFamily = Literal[PRODUCT_FAMILIES]  # type: ignore[valid-type]


class ScopeIn(Body):
    """An operator's scope: empty lists leave that side unrestricted."""

    audience_category_ids: list[CatalogId] = Field(
        default_factory=list, max_length=50, description="Audience categories they work on; empty: all"
    )
    product_families: list[ProductFamily] = Field(
        default_factory=list,
        max_length=len(PRODUCT_FAMILIES),
        description="Product families they work on; empty: all. Without single_entry, no seat option",
    )

    def scope(self) -> Scope:
        return Scope(frozenset(self.audience_category_ids), frozenset(self.product_families))


class ScopeOut(Out):
    audience_category_ids: list[str] = Field(default_factory=list)
    product_families: list[str] = Field(default_factory=list)
    unrestricted: bool = True


def scope_out(operator: Operator) -> ScopeOut:
    scope = operator.scope
    return ScopeOut(**scope.as_dict(), unrestricted=scope == Scope())


class OperatorOut(Out):
    org_id: str
    login: str
    name: str
    roles: list[str]
    active: bool
    # named without "password": a response never holds that word (a guard the tests keep)
    credentials_changed_at: str | None = None
    credentials_changed_by: str | None = None
    scope: ScopeOut = Field(default_factory=ScopeOut)


class MeOut(OperatorOut):
    rights: dict[str, list[str]]


class TokenOut(Out):
    token: str
    expires_at: int


class OperatorSession(TokenOut):
    operator: MeOut


class OperatorCreate(Body):
    login: str = Slug
    name: str = Field(min_length=1, max_length=200)
    password: str = Password
    roles: list[str] = Field(default_factory=list, max_length=20)
    scope: ScopeIn | None = Field(default=None, description="Default: unrestricted")


class OperatorUpdate(Body):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    password: str | None = Field(
        default=None,
        min_length=8,
        max_length=200,
        description="Another operator's: by an administrator; one's own: with current_password",
    )
    current_password: str | None = Field(default=None, min_length=1, max_length=200)
    roles: list[str] | None = Field(default=None, max_length=20)
    active: bool | None = None
    scope: ScopeIn | None = Field(default=None, description="Replaces the scope; {} makes it unrestricted")


def _check_rights(rights: dict[str, list[str]]) -> dict[str, list[str]]:
    for area, actions in rights.items():
        if area not in AREAS:
            raise ValueError(f"unknown area '{area}' (known: {', '.join(AREAS)})")
        wrong = [a for a in actions if a not in ACTIONS]
        if wrong:
            raise ValueError(f"unknown action(s) {wrong} in '{area}' (known: {', '.join(ACTIONS)})")
    return {area: sorted(set(actions), key=ACTIONS.index) for area, actions in rights.items()}


class RoleCreate(Body):
    name: str = Slug
    rights: dict[str, list[str]] = Field(
        default_factory=dict, description='area -> actions, e.g. {"catalog": ["read", "modify"]}'
    )

    _rights = field_validator("rights")(_check_rights)


class RoleUpdate(Body):
    rights: dict[str, list[str]]

    _rights = field_validator("rights")(_check_rights)


class RightsCatalogueOut(Out):
    areas: list[str]
    actions: list[str]
    product_families: list[str] = Field(
        default_factory=lambda: list(PRODUCT_FAMILIES), description="What an operator's scope may name"
    )


class RoleOut(Out):
    name: str
    rights: dict[str, list[str]]


class PasswordChange(Body):
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Password


class RegistrationOut(Out):
    status: str = Field(description="Always 'check_your_email', whether the e-mail had an account or not")
    message: str


class EmailVerification(Body):
    token: str = Field(min_length=1, max_length=2000)


class RelayInvitationOut(Out):
    status: str = Field(description="'sent': the contact got an e-mail with a link to accept")
    sent_to: str


class RelayOut(Out):
    contact_id: str
    company_id: str | None


class ShopperRegistration(Body):
    email: EmailStr
    name: str = Field(min_length=1, max_length=200)
    password: str = Password


class ShopperLogin(Body):
    email: EmailStr
    password: str = Field(min_length=1, max_length=200)


class ShopperOut(Out):
    shopper_id: str
    email: str
    name: str
    email_verified: bool = False


class ShopperSession(TokenOut):
    shopper: ShopperOut


class AddressIn(Body):
    line1: str = Field(min_length=1, max_length=200)
    line2: str | None = Field(default=None, max_length=200)
    postal_code: str = Field(min_length=1, max_length=20)
    city: str = Field(min_length=1, max_length=100)
    country: str = Field(min_length=2, max_length=2, pattern=r"^[A-Z]{2}$", description="ISO 3166 code")


class ProfileChange(Body):
    """The fields given change; null clears an optional one (name and consent are never cleared)."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    phone: str | None = Field(default=None, min_length=4, max_length=30, pattern=r"^\+?[0-9 ().-]{4,30}$")
    address: AddressIn | None = None
    language: str | None = Field(
        default=None, pattern=r"^[a-z]{2}(-[A-Z]{2})?$", description="e.g. fr, en, fr-BE"
    )
    cultural_contact_consent: bool | None = Field(
        default=None, description="I agree to be contacted by the producers and organisers of what I buy"
    )

    @field_validator("name", "cultural_contact_consent")
    @classmethod
    def _not_cleared(cls, value: object) -> object:
        if value is None:
            raise ValueError("cannot be cleared")
        return value

    def changes(self) -> dict[str, object]:
        given = self.model_dump(include=self.model_fields_set, exclude_none=False)
        if "address" in given and given["address"] is not None:
            given["address"] = {k: v for k, v in given["address"].items() if v is not None}
        return given


class AddressOut(Out):
    line1: str
    line2: str | None = None
    postal_code: str
    city: str
    country: str


class ProfileOut(Out):
    shopper_id: str
    email: str
    name: str
    phone: str | None
    address: AddressOut | None
    language: str | None
    cultural_contact_consent: bool
    cultural_contact_consent_at: str | None
