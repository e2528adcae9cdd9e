"""Back-office routes for every catalog kind: list (paged, filtered), create, read, replace, delete."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field, create_model

from chalicelib.api.routing import Api, Body, Out
from chalicelib.auth.model import OperatorCaller, Right
from chalicelib.catalog import service
from chalicelib.catalog.model import Stored
from chalicelib.catalog.registry import KINDS, Kind

api = Api(__name__, tag="back-office: catalog")
blueprint = api.blueprint


class VersionQuery(Body):
    version: int | None = Field(
        default=None, ge=1, description="Refuse the change unless this is the version"
    )


# Fields answered beside a kind's spec, computed from the item (a performance's start on its venue's clock).
DERIVED: dict[str, dict[str, Any]] = {
    "performance": {
        "timezone": (str, Field(description="The venue's IANA time zone, e.g. Europe/Paris")),
        "starts_at_local": (
            str,
            Field(description="starts_at on the venue's clock, ISO 8601 with its offset (as in the shop)"),
        ),
    }
}


def derived(org_id: str, stored: Stored) -> dict[str, Any]:
    """The derived fields of one item (see DERIVED); none for most kinds."""
    if stored.kind == "performance" and stored.data.get("starts_at"):
        return service.local_start(org_id, stored.data)
    return {}


def output_model(kind: Kind) -> type[Out]:
    """The item as answered: its spec's fields, plus id, version, timestamps, system state and the
    fields derived from them (DERIVED)."""
    fields: dict[str, Any] = {name: (info.annotation, info) for name, info in kind.spec.model_fields.items()}
    fields |= DERIVED.get(kind.name, {})
    return create_model(
        f"{kind.spec.__name__.removesuffix('Spec')}Out",
        __base__=Out,
        id=(str, ...),
        version=(int, ...),
        created_at=(datetime | None, None),
        updated_at=(datetime | None, None),
        state=(dict[str, Any], Field(default_factory=dict, description="Maintained by the system")),
        **fields,
    )


def as_output(model: type[Out], stored: Stored, org_id: str | None = None) -> Out:
    """`stored` as `model`; with `org_id`, its derived fields too (they may read other items)."""
    extra = derived(org_id, stored) if org_id else {}
    return model(
        id=stored.id,
        version=stored.version,
        created_at=stored.created_at,
        updated_at=stored.updated_at,
        state=stored.state,
        **{**stored.data, **extra},
    )


def _list_query(kind: Kind) -> type[Body]:
    filters: dict[str, Any] = {name: (str | None, None) for name in kind.filters}
    return create_model(
        f"{kind.spec.__name__.removesuffix('Spec')}ListQuery",
        __base__=Body,
        limit=(int, Field(default=50, ge=1, le=200)),
        cursor=(str | None, None),
        **filters,
    )


def _register(kind: Kind) -> None:
    out = output_model(kind)
    page = create_model(
        f"{out.__name__.removesuffix('Out')}Page",
        __base__=Out,
        items=(list[out], ...),
        next_cursor=(str | None, None),
    )
    query_model = _list_query(kind)
    label = kind.name.replace("_", " ")
    base, item = f"/backoffice/{kind.plural}", f"/backoffice/{kind.plural}/{{item_id}}"
    slug = kind.plural.replace("-", "_")

    def list_items(caller: OperatorCaller, query: Any) -> Any:
        filters = {name: getattr(query, name) for name in kind.filters if getattr(query, name) is not None}
        items, cursor = service.list_page(caller.org_id, kind.name, filters, query.limit, query.cursor)
        with service.shared_reads():  # a page's performances share a few halls and venues
            return page(items=[as_output(out, s, caller.org_id) for s in items], next_cursor=cursor)

    def get_item(caller: OperatorCaller, item_id: str) -> Any:
        return as_output(out, service.get(caller.org_id, kind.name, item_id), caller.org_id)

    def create_item(caller: OperatorCaller, body: Any) -> Any:
        return as_output(out, service.create(caller.org_id, kind.name, body), caller.org_id)

    def replace_item(caller: OperatorCaller, item_id: str, body: Any, query: Any) -> Any:
        stored = service.replace(caller.org_id, kind.name, item_id, body, query.version)
        return as_output(out, stored, caller.org_id)

    def delete_item(caller: OperatorCaller, item_id: str, query: Any) -> None:
        service.delete(caller.org_id, kind.name, item_id, query.version)

    for fn, verb in (
        (list_items, "list"),
        (get_item, "get"),
        (create_item, "create"),
        (replace_item, "replace"),
        (delete_item, "delete"),
    ):
        fn.__name__ = f"{verb}_{slug}"

    read, modify = Right(kind.area, "read"), Right(kind.area, "modify")
    api.route(base, summary=f"List {label}s", auth=read, query=query_model, response=page)(list_items)
    api.route(item, summary=f"One {label}", auth=read, response=out)(get_item)
    if kind.generic_write:
        api.route(
            base,
            "POST",
            summary=f"Create a {label}",
            auth=Right(kind.area, "create"),
            body=kind.spec,
            response=out,
            status=201,
        )(create_item)
        api.route(
            item,
            "PUT",
            summary=f"Replace a {label}",
            auth=modify,
            body=kind.spec,
            query=VersionQuery,
            response=out,
        )(replace_item)
    api.route(
        item,
        "DELETE",
        summary=f"Delete a {label} nothing uses",
        auth=Right(kind.area, "delete"),
        query=VersionQuery,
        status=204,
    )(delete_item)


for _kind in KINDS:
    _register(_kind)
