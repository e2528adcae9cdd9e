"""Who a customer is: profiles the shop prices with, levels granted and set, shopper accounts' contacts.

The shop calls `profile_of_shopper` on every cart pricing: it reads the account (one GetItem), its
contact's records (one query of one small partition) and the indicators and lists from the catalog,
which `catalog.service.shared_reads()` keeps between requests; callers price within that block.
"""

from __future__ import annotations

from collections.abc import Mapping

from chalicelib.auth import repository as accounts
from chalicelib.auth.model import Shopper
from chalicelib.catalog import service as catalog
from chalicelib.customers import imports, repository
from chalicelib.customers.model import (
    Orders,
    Profile,
    above,
    canonical_level,
    checked_levels,
    merged,
    order_of,
)
from chalicelib.customers.model import profile as make_profile
from chalicelib.errors import InvalidInput, NotFound, VersionConflict

RETRIES = 3


def level_orders(org_id: str) -> dict[str, tuple[str, ...]]:
    """Every indicator's levels, lowest first (catalog reads, kept between requests)."""
    return {item.id: order_of(item.data) for item in catalog.all_items(org_id, "indicator")}


def _live_lists(org_id: str, list_ids: set[str]) -> set[str]:
    """Lists a contact is recorded in that still exist (a deleted list leaves its records behind)."""
    if not list_ids:
        return set()
    return list_ids & {item.id for item in catalog.all_items(org_id, "target_list")}


def _profile(
    org_id: str, contact_id: str | None, sources: list[Mapping[str, str]], lists: set[str]
) -> Profile:
    orders: Orders = level_orders(org_id) if any(sources) else {}
    return make_profile(contact_id, orders, sources, _live_lists(org_id, lists))


def profile_of_contact(org_id: str, contact_id: str) -> Profile:
    levels, lists = repository.contact_records(org_id, contact_id)
    return _profile(org_id, contact_id, [levels], lists)


def contact_of(shopper: Shopper) -> str | None:
    """The account's contact: linked by an operator, else the relay contact it acts for."""
    return shopper.contact_id or shopper.relay_contact_id


def profile_of_shopper(org_id: str, shopper_id: str) -> Profile:
    """The account's own levels merged with its contact's (the higher level wins), the contact's lists."""
    shopper = accounts.get_shopper(org_id, shopper_id)
    contact_id = contact_of(shopper)
    levels, lists = repository.contact_records(org_id, contact_id) if contact_id else ({}, set())
    return _profile(org_id, contact_id, [shopper.levels, levels], lists)


def indicator_order(org_id: str, indicator_id: str) -> tuple[str, ...]:
    return order_of(catalog.get(org_id, "indicator", indicator_id).data)


def indicator_id(org_id: str, code: str) -> str:
    """The id of the indicator with this code (e.g. the season tickets' "loyalty"); NotFound if none."""
    return catalog.get_by_code(org_id, "indicator", code).id


def grant(
    org_id: str,
    *,
    contact_id: str | None = None,
    shopper_id: str | None = None,
    indicator_id: str,
    level: str,
) -> None:
    """Give a contact or a shopper account at least `level` (a season ticket grants "subscriber"):
    a higher level they hold stays. Safe to repeat; concurrent grants never lower a level."""
    if (contact_id is None) == (shopper_id is None):
        raise InvalidInput("Grant a level to a contact or to a shopper account", {"field": "contact_id"})
    order = indicator_order(org_id, indicator_id)
    level = canonical_level(indicator_id, order, level, "level")
    higher = above(order, level)
    if contact_id is not None:
        check_contact(org_id, contact_id)
        repository.grant_contact_level(org_id, contact_id, indicator_id, level, unless=(level, *higher))
        return
    for _ in range(RETRIES):
        shopper = accounts.get_shopper(org_id, shopper_id)
        if shopper.levels.get(indicator_id) in (level, *higher):
            return
        try:
            levels = {**shopper.levels, indicator_id: level}
            repository.write_shopper_levels(org_id, shopper.shopper_id, levels, shopper.levels_version)
            return
        except VersionConflict:
            continue
    raise VersionConflict("The account's levels keep changing; try again", {"shopper_id": shopper_id})


def check_contact(org_id: str, contact_id: str, field: str | None = None) -> dict:
    """The contact's data; NotFound (a path id), or InvalidInput naming `field` (a body's reference)."""
    try:
        return catalog.get(org_id, "contact", contact_id).data
    except NotFound:
        if field is None:
            raise
        raise InvalidInput(f"No contact {contact_id}", {"field": field, "id": contact_id}) from None


def contact_levels(org_id: str, contact_id: str) -> tuple[dict[str, str], set[str]]:
    """The contact's levels (of indicators and levels that exist) and its target lists."""
    check_contact(org_id, contact_id)
    levels, lists = repository.contact_records(org_id, contact_id, consistent=True)
    return merged(level_orders(org_id), levels), _live_lists(org_id, lists)


def set_contact_levels(org_id: str, contact_id: str, wanted: Mapping[str, str]) -> dict[str, str]:
    """The contact's levels become exactly `wanted` (an operator may lower or remove one)."""
    check_contact(org_id, contact_id)
    levels = checked_levels(level_orders(org_id), wanted)
    current, _ = repository.contact_records(org_id, contact_id, consistent=True)
    repository.replace_contact_levels(org_id, contact_id, levels, set(current) - set(levels))
    return levels


def get_shopper(org_id: str, shopper_id: str) -> Shopper:
    return accounts.get_shopper(org_id, shopper_id)


def find_shopper(org_id: str, email: str) -> Shopper | None:
    found = accounts.find_shopper_by_email(org_id, email.strip().lower())
    return found[0] if found else None


def set_shopper_levels(org_id: str, shopper_id: str, wanted: Mapping[str, str]) -> Shopper:
    """The account's own levels become exactly `wanted`."""
    levels = checked_levels(level_orders(org_id), wanted)
    shopper = accounts.get_shopper(org_id, shopper_id)
    repository.write_shopper_levels(org_id, shopper_id, levels, shopper.levels_version)
    shopper.levels, shopper.levels_version = levels, shopper.levels_version + 1
    return shopper


def link_shopper(org_id: str, shopper_id: str, contact_id: str) -> Shopper:
    """The account is this contact (one account per contact): it shares the contact's levels and lists."""
    shopper = accounts.get_shopper(org_id, shopper_id)
    check_contact(org_id, contact_id, field="contact_id")
    if shopper.contact_id != contact_id:
        repository.link_contact(org_id, shopper_id, contact_id, shopper.contact_id)
        shopper.contact_id = contact_id
    return shopper


def unlink_shopper(org_id: str, shopper_id: str) -> Shopper:
    shopper = accounts.get_shopper(org_id, shopper_id)
    if shopper.contact_id is not None:
        repository.unlink_contact(org_id, shopper_id, shopper.contact_id)
        shopper.contact_id = None
    return shopper


def contact_index(org_id: str) -> imports.ContactIndex:
    """Every contact by code and e-mail, for a file that names them so (read once per import)."""
    contacts = catalog.all_items(org_id, "contact")
    return imports.ContactIndex.of((c.id, c.data.get("code", ""), c.data.get("email", "")) for c in contacts)


def import_levels(org_id: str, indicator_id: str, text: str) -> dict[str, int]:
    """Set one indicator's level for the contacts a CSV file names (code or e-mail, level). Every row
    is checked first: a file with a bad row is refused whole, each bad row named, nothing written."""
    order = indicator_order(org_id, indicator_id)
    problems = imports.Problems()
    rows = imports.read_rows(text, with_level=True, problems=problems)
    levels = imports.level_rows(rows, contact_index(org_id), indicator_id, order, problems)
    repository.write_levels(org_id, indicator_id, levels)
    return {"rows": len(rows), "contacts": len(levels)}
