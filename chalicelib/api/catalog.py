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


def output_model(kind: Kind) -> type[Out]:
    """The item as answered: its spec's fields, plus id, version, timestamps and system state."""
    fields: dict[str, Any] = {name: (info.annotation, info) for name, info in kind.spec.model_fields.items()}
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


def as_output(model: type[Out], stored: Stored) -> Out:
    return model(
        id=stored.id,
        version=stored.version,
        created_at=stored.created_at,
        updated_at=stored.updated_at,
        state=stored.state,
        **stored.data,
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
        return page(items=[as_output(out, s) for s in items], next_cursor=cursor)

    def get_item(caller: OperatorCaller, item_id: str) -> Any:
        return as_output(out, service.get(caller.org_id, kind.name, item_id))

    def create_item(caller: OperatorCaller, body: Any) -> Any:
        return as_output(out, service.create(caller.org_id, kind.name, body))

    def replace_item(caller: OperatorCaller, item_id: str, body: Any, query: Any) -> Any:
        return as_output(out, service.replace(caller.org_id, kind.name, item_id, body, query.version))

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
