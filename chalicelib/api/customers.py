"""Who a customer is, over HTTP for operators (the `contacts` rights area): levels of contacts and shopper
accounts, level and target-list imports, target lists' contacts, a shopper account's contact.

Indicators and target lists themselves (code, name, levels) are catalog kinds with the catalog's routes:
/backoffice/indicators and /backoffice/target-lists. CSV files come as JSON: {"csv": "<the file's text>"}.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from chalicelib.api.routing import Api, Body, Out
from chalicelib.auth.model import OperatorCaller, Right, Shopper
from chalicelib.catalog.kinds import Code, Ref
from chalicelib.customers import service, target_lists

api = Api(__name__, tag="back-office: customers")
blueprint = api.blueprint

READ, MODIFY = Right("contacts", "read"), Right("contacts", "modify")
INDICATOR = "/backoffice/indicators/{item_id}"
CONTACT = "/backoffice/contacts/{item_id}"
TARGET_LIST = "/backoffice/target-lists/{item_id}"
SHOPPER = "/backoffice/shoppers/{shopper_id}"

Levels = Annotated[dict[Ref, Code], Field(max_length=50, description="indicator id -> level id")]


class CsvBody(Body):
    csv: str = Field(
        min_length=1, max_length=1_000_000, description="The file's text (UTF-8), at most 10,000 rows"
    )


class LevelsBody(Body):
    levels: Levels


class ContactIdsBody(Body):
    contact_ids: list[Ref] = Field(min_length=1, max_length=1000)


class LinkBody(Body):
    contact_id: Ref


class PageQuery(Body):
    after: Ref | None = None
    limit: int = Field(default=50, ge=1, le=200)


class EmailQuery(Body):
    email: str = Field(min_length=3, max_length=254)


class LevelImportOut(Out):
    indicator_id: str
    rows: int
    contacts: int = Field(description="Contacts whose level was set")


class ContactLevelsOut(Out):
    contact_id: str
    levels: dict[str, str]
    target_list_ids: list[str]


class ListContact(Out):
    id: str
    code: str | None
    name: str | None
    email: str | None


class ListContactsOut(Out):
    contacts: list[ListContact]
    after: str | None
    size: int


class ListChangeOut(Out):
    size: int
    added: int = 0
    removed: int = 0


class UnknownRow(Out):
    line: int
    value: str


class ListImportOut(Out):
    rows: int
    added: int
    already_in: int
    unknown: list[UnknownRow] = Field(description="Rows naming no contact (the first 50)")
    unknown_count: int
    size: int


class ShopperOut(Out):
    shopper_id: str
    email: str
    name: str
    contact_id: str | None = Field(description="Linked by an operator")
    relay_contact_id: str | None = Field(description="The relay contact the account acts for")
    levels: dict[str, str] = Field(description="The account's own levels")


class ShopperList(Out):
    shoppers: list[ShopperOut]


class ShopperLevelsOut(ShopperOut):
    profile_levels: dict[str, str] = Field(description="The account's levels merged with its contact's")
    target_list_ids: list[str]


def _shopper(shopper: Shopper) -> ShopperOut:
    return ShopperOut(
        shopper_id=shopper.shopper_id,
        email=shopper.email,
        name=shopper.name,
        contact_id=shopper.contact_id,
        relay_contact_id=shopper.relay_contact_id,
        levels=shopper.levels,
    )


@api.route(
    INDICATOR + "/import",
    "POST",
    summary="Set an indicator's level for the contacts a CSV file names (code or e-mail, level)",
    auth=MODIFY,
    body=CsvBody,
    response=LevelImportOut,
)
def import_indicator_levels(caller: OperatorCaller, item_id: str, body: CsvBody) -> LevelImportOut:
    return LevelImportOut(indicator_id=item_id, **service.import_levels(caller.org_id, item_id, body.csv))


@api.route(
    CONTACT + "/indicators", summary="A contact's indicator levels", auth=READ, response=ContactLevelsOut
)
def get_contact_levels(caller: OperatorCaller, item_id: str) -> ContactLevelsOut:
    levels, lists = service.contact_levels(caller.org_id, item_id)
    return ContactLevelsOut(contact_id=item_id, levels=levels, target_list_ids=sorted(lists))


@api.route(
    CONTACT + "/indicators",
    "PUT",
    summary="Set a contact's indicator levels (exactly these)",
    auth=MODIFY,
    body=LevelsBody,
    response=ContactLevelsOut,
)
def set_contact_levels(caller: OperatorCaller, item_id: str, body: LevelsBody) -> ContactLevelsOut:
    service.set_contact_levels(caller.org_id, item_id, body.levels)
    return get_contact_levels(caller, item_id)


@api.route(
    TARGET_LIST + "/contacts",
    summary="A target list's contacts, in pages",
    auth=READ,
    query=PageQuery,
    response=ListContactsOut,
)
def list_target_list_contacts(caller: OperatorCaller, item_id: str, query: PageQuery) -> ListContactsOut:
    return ListContactsOut(**target_lists.contacts_page(caller.org_id, item_id, query.after, query.limit))


@api.route(
    TARGET_LIST + "/contacts",
    "POST",
    summary="Add contacts to a target list (at most 10,000 in a list)",
    auth=MODIFY,
    body=ContactIdsBody,
    response=ListChangeOut,
)
def add_target_list_contacts(caller: OperatorCaller, item_id: str, body: ContactIdsBody) -> ListChangeOut:
    return ListChangeOut(**target_lists.add_contacts(caller.org_id, item_id, body.contact_ids))


@api.route(
    TARGET_LIST + "/contacts/remove",
    "POST",
    summary="Remove contacts from a target list",
    auth=MODIFY,
    body=ContactIdsBody,
    response=ListChangeOut,
)
def remove_target_list_contacts(caller: OperatorCaller, item_id: str, body: ContactIdsBody) -> ListChangeOut:
    return ListChangeOut(**target_lists.remove_contacts(caller.org_id, item_id, body.contact_ids))


@api.route(
    TARGET_LIST + "/import",
    "POST",
    summary="Add the contacts a CSV file names (code or e-mail); unknown rows are answered",
    auth=MODIFY,
    body=CsvBody,
    response=ListImportOut,
)
def import_target_list_contacts(caller: OperatorCaller, item_id: str, body: CsvBody) -> ListImportOut:
    return ListImportOut(**target_lists.import_contacts(caller.org_id, item_id, body.csv))


@api.route(
    "/backoffice/shoppers",
    summary="Find a shop account by e-mail",
    auth=READ,
    query=EmailQuery,
    response=ShopperList,
)
def find_shoppers(caller: OperatorCaller, query: EmailQuery) -> ShopperList:
    found = service.find_shopper(caller.org_id, query.email)
    return ShopperList(shoppers=[_shopper(found)] if found else [])


@api.route(SHOPPER + "/contact", summary="A shop account and its contact", auth=READ, response=ShopperOut)
def get_shopper_contact(caller: OperatorCaller, shopper_id: str) -> ShopperOut:
    return _shopper(service.get_shopper(caller.org_id, shopper_id))


@api.route(
    SHOPPER + "/contact",
    "PUT",
    summary="Link a shop account to its contact (one account per contact)",
    auth=MODIFY,
    body=LinkBody,
    response=ShopperOut,
)
def link_shopper_contact(caller: OperatorCaller, shopper_id: str, body: LinkBody) -> ShopperOut:
    return _shopper(service.link_shopper(caller.org_id, shopper_id, body.contact_id))


@api.route(
    SHOPPER + "/contact",
    "DELETE",
    summary="Unlink a shop account from its contact",
    auth=MODIFY,
    response=ShopperOut,
)
def unlink_shopper_contact(caller: OperatorCaller, shopper_id: str) -> ShopperOut:
    return _shopper(service.unlink_shopper(caller.org_id, shopper_id))


def _shopper_levels(org_id: str, shopper: Shopper) -> ShopperLevelsOut:
    profile = service.profile_of_shopper(org_id, shopper.shopper_id)
    return ShopperLevelsOut(
        **_shopper(shopper).model_dump(),
        profile_levels=dict(profile.levels),
        target_list_ids=sorted(profile.target_list_ids),
    )


@api.route(
    SHOPPER + "/indicators",
    summary="A shop account's levels: its own, and merged with its contact's",
    auth=READ,
    response=ShopperLevelsOut,
)
def get_shopper_levels(caller: OperatorCaller, shopper_id: str) -> ShopperLevelsOut:
    return _shopper_levels(caller.org_id, service.get_shopper(caller.org_id, shopper_id))


@api.route(
    SHOPPER + "/indicators",
    "PUT",
    summary="Set a shop account's own indicator levels (exactly these)",
    auth=MODIFY,
    body=LevelsBody,
    response=ShopperLevelsOut,
)
def set_shopper_levels(caller: OperatorCaller, shopper_id: str, body: LevelsBody) -> ShopperLevelsOut:
    return _shopper_levels(caller.org_id, service.set_shopper_levels(caller.org_id, shopper_id, body.levels))
