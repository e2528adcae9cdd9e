"""The simulated distributor's routes (test stacks only; elsewhere an unknown route): the protocol of
docs/distributor-protocol.md, and its controls (sell, cancel, fail, its state and its page). Its
controls need no operator login (a test stack's demo and tests drive it) but name an existing interface."""

from __future__ import annotations

import secrets
import time
from typing import Annotated, Any, Literal

from chalice import Response
from pydantic import Field, model_validator

from chalicelib.api import body as bodies
from chalicelib.api.routing import PUBLIC, Api, Body
from chalicelib.distributors import simulator, simulator_page, simulator_protocol

api = Api(__name__, tag="distributor simulator")
blueprint = api.blueprint

BASE = "/distributor-simulator/{org_id}/{interface_id}"
JSON_HEADERS = {"Content-Type": "application/json", "Cache-Control": "no-store"}
SeatId = Annotated[str, Field(min_length=1, max_length=200)]


class SellBody(Body):
    distributor_performance_id: str = Field(min_length=1, max_length=100)
    seats: int | None = Field(default=None, ge=1, le=50, description="How many places (or give seat_ids)")
    seat_ids: list[SeatId] | None = Field(default=None, min_length=1, max_length=50, description="Or which")
    audience: str = Field(
        min_length=1, max_length=100, description="The distributor's audience subcategory id"
    )
    price: int = Field(default=0, ge=0, le=10_000_000, description="Cents per place")
    distributor_seat_category_id: str | None = Field(default=None, max_length=100)

    @model_validator(mode="after")
    def _seats_or_seat_ids(self) -> SellBody:
        if (self.seats is None) == (self.seat_ids is None):
            raise ValueError("seats: give either seats (how many) or seat_ids (which), not both")
        return self


class FailureBody(Body):
    mode: Literal["none", "timeout", "error_500", "malformed", "duplicate"]
    times: int | None = Field(default=None, ge=1, le=1000, description="How many calls fail; null: all")
    delay_seconds: float | None = Field(
        default=None, gt=0, le=25, description="timeout: how late it answers (default 12 s)"
    )


def _json(body: Any, status: int = 200) -> Response:
    return Response(body, status_code=status, headers=JSON_HEADERS)


def _protocol(org_id: str, interface_id: str, method: str, resource: str) -> Response:
    request = blueprint.current_request
    params = request.query_params or {}
    query = {name: params.getlist(name) for name in params} if params else {}
    reply = simulator_protocol.call(
        org_id,
        interface_id,
        method,
        resource,
        query,
        request.headers.get("authorization"),
        (request.raw_body or b"").decode(errors="replace"),
    )
    if reply.delay:
        time.sleep(reply.delay)  # the late answer a "timeout" failure makes
    headers = {**JSON_HEADERS, **reply.headers}
    return Response(reply.text(), status_code=reply.status, headers=headers)


@api.route(
    BASE + "/allotment",
    "PUT",
    summary="Protocol: receive an allotment (kept per performance, the highest version)",
    auth=PUBLIC,
    max_body=bodies.LARGE_BODY,
)
def simulator_allotment(_caller: None, org_id: str, interface_id: str) -> Response:
    return _protocol(org_id, interface_id, "PUT", "allotment")


@api.route(BASE + "/sales", summary="Protocol: the sales feed after a cursor", auth=PUBLIC)
def simulator_sales(_caller: None, org_id: str, interface_id: str) -> Response:
    return _protocol(org_id, interface_id, "GET", "sales")


@api.route(BASE + "/counts", summary="Protocol: allocated and sold places per performance", auth=PUBLIC)
def simulator_counts(_caller: None, org_id: str, interface_id: str) -> Response:
    return _protocol(org_id, interface_id, "GET", "counts")


@api.route(BASE + "/sell", "POST", summary="Sell places of the allotment kept", auth=PUBLIC, body=SellBody)
def simulator_sell(_caller: None, org_id: str, interface_id: str, body: SellBody) -> Response:
    simulator.interface_of(org_id, interface_id)
    sale = simulator.sell(
        org_id,
        interface_id,
        body.distributor_performance_id,
        body.seat_ids or body.seats or 0,
        body.audience,
        body.price,
        body.distributor_seat_category_id,
    )
    return _json(sale, 201)


@api.route(
    BASE + "/sales/{external_sale_id}/cancel",
    "POST",
    summary="Cancel a sale (reported as cancelled records)",
    auth=PUBLIC,
)
def simulator_cancel(_caller: None, org_id: str, interface_id: str, external_sale_id: str) -> Response:
    simulator.interface_of(org_id, interface_id)
    return _json(simulator.cancel(org_id, interface_id, external_sale_id))


@api.route(
    BASE + "/failure", "PUT", summary="Make the next protocol calls fail", auth=PUBLIC, body=FailureBody
)
def simulator_failure(_caller: None, org_id: str, interface_id: str, body: FailureBody) -> Response:
    failure = simulator_protocol.set_failure(org_id, interface_id, body.mode, body.times, body.delay_seconds)
    return _json(failure)


@api.route(BASE + "/state", summary="What the simulated distributor holds, as JSON", auth=PUBLIC)
def simulator_state(_caller: None, org_id: str, interface_id: str) -> Response:
    simulator.interface_of(org_id, interface_id)
    return _json(simulator.overview(org_id, interface_id))


@api.route(BASE + "/page", summary="The simulated distributor's page", auth=PUBLIC, produces="text/html")
def simulator_page_route(_caller: None, org_id: str, interface_id: str) -> Response:
    interface = simulator.interface_of(org_id, interface_id)
    nonce = secrets.token_urlsafe(16)
    policy = (
        f"default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-{nonce}'; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    page = simulator_page.render(
        org_id, interface.data.get("name", interface_id), simulator.overview(org_id, interface_id), nonce
    )
    return Response(
        page,
        status_code=200,
        headers={
            "Content-Type": "text/html; charset=utf-8",
            "Cache-Control": "no-store",
            "Content-Security-Policy": policy,
        },
    )
