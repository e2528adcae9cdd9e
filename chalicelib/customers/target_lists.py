"""Target lists' contacts: added and removed by an operator or imported from a CSV file, within a cap.

A list's name and code are a catalog item (kind `target_list`); its contacts are kept in buckets (the
list's side, read to show and count it) and in each contact's partition (what a profile reads). The
buckets change first, in one transaction that also holds the cap; the contacts' side follows, by
idempotent writes, so repeating an addition or a removal repairs an interrupted one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chalicelib.catalog import service as catalog
from chalicelib.customers import imports, repository
from chalicelib.customers import service as customers
from chalicelib.customers.model import by_bucket, check_room
from chalicelib.errors import InvalidInput, NotFound, VersionConflict

RETRIES = 3


def check_list(org_id: str, target_list_id: str) -> dict[str, Any]:
    return catalog.get(org_id, "target_list", target_list_id).data


def contact_ids(org_id: str, target_list_id: str) -> set[str]:
    check_list(org_id, target_list_id)
    return set().union(*repository.list_buckets(org_id, target_list_id).values())


def _change(org_id: str, target_list_id: str, add: set[str], remove: set[str]) -> tuple[int, int, int]:
    """(added, removed, size): contacts added or removed that were not already so, and the list's size."""
    for _ in range(RETRIES):
        read = repository.list_buckets(org_id, target_list_id)
        current = set().union(*read.values())
        new, gone = add - current, remove & current
        if new:
            check_room(len(current) - len(gone), len(new))
        if new or gone:
            try:
                repository.change_buckets(org_id, target_list_id, read, by_bucket(new), by_bucket(gone))
            except VersionConflict:
                continue
        repository.write_memberships(org_id, target_list_id, add, remove)
        return len(new), len(gone), len(current) + len(new) - len(gone)
    raise VersionConflict("The list keeps changing; try again", {"id": target_list_id})


def _known(org_id: str, ids: Iterable[str]) -> set[str]:
    """The ids, every one an existing contact; InvalidInput names the unknown ones and their places."""
    ids = list(ids)
    unknown = []
    for n, contact_id in enumerate(ids):
        try:
            catalog.get(org_id, "contact", contact_id)
        except NotFound:
            unknown.append({"field": f"contact_ids.{n}", "id": contact_id})
    if unknown:
        names = ", ".join(u["id"] for u in unknown[:10])
        raise InvalidInput(
            f"No contact {names}; nothing was added", {"field": unknown[0]["field"], "unknown": unknown[:50]}
        )
    return set(ids)


def add_contacts(org_id: str, target_list_id: str, ids: list[str]) -> dict[str, int]:
    check_list(org_id, target_list_id)
    added, _, size = _change(org_id, target_list_id, _known(org_id, ids), set())
    return {"added": added, "size": size}


def remove_contacts(org_id: str, target_list_id: str, ids: list[str]) -> dict[str, int]:
    check_list(org_id, target_list_id)
    _, removed, size = _change(org_id, target_list_id, set(), set(ids))
    return {"removed": removed, "size": size}


def import_contacts(org_id: str, target_list_id: str, text: str) -> dict[str, Any]:
    """Add the contacts a CSV file names by code or e-mail; rows naming no contact are answered, by
    line, and the others are added (a file past the list's cap adds nothing)."""
    check_list(org_id, target_list_id)
    rows = imports.read_rows(text, with_level=False)
    found, unknown = imports.resolve(rows, customers.contact_index(org_id))
    ids = set(found.values())
    added, _, size = _change(org_id, target_list_id, ids, set())
    return {
        "rows": len(rows),
        "added": added,
        "already_in": len(ids) - added,
        "unknown": [{"line": row.line, "value": row.contact} for row in unknown[: imports.MAX_LISTED]],
        "unknown_count": len(unknown),
        "size": size,
    }


def contacts_page(org_id: str, target_list_id: str, after: str | None, limit: int) -> dict[str, Any]:
    """The list's contacts in id order, `limit` after `after`, each with its code, name and e-mail."""
    ids = sorted(contact_ids(org_id, target_list_id))
    start = 0 if after is None else next((n for n, i in enumerate(ids) if i > after), len(ids))
    page = ids[start : start + limit]
    contacts = []
    for contact_id in page:
        try:
            data = catalog.get(org_id, "contact", contact_id).data
        except NotFound:  # deleted since it was added
            data = {}
        contacts.append(
            {"id": contact_id, "code": data.get("code"), "name": data.get("name"), "email": data.get("email")}
        )
    more = start + limit < len(ids)
    return {"contacts": contacts, "after": page[-1] if more and page else None, "size": len(ids)}
