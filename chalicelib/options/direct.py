"""Direct options online (the seed's "commande d'option directe"): where the channel allows it, a
relay's request is placed at once, holding its seats until the channel's confirmation deadline, and
the relay confirms it into a reservation order themselves; no operator in between.

Where the places are not free, the request stays a request, for the box office to place or refuse.
"""

from __future__ import annotations

from chalicelib.catalog import service as catalog
from chalicelib.catalog import zones
from chalicelib.clock import now
from chalicelib.errors import Conflict, DomainError, InvalidTransition
from chalicelib.observability import logger
from chalicelib.options import model as m
from chalicelib.options import requests, service
from chalicelib.options.repository import Option
from chalicelib.options.rules import LineIn, RequestIn, zone
from chalicelib.options.store import get
from chalicelib.options.validation import validate


def confirmation_deadline(org_id: str, performance_id: str, channel: dict) -> int | None:
    """The end of the venue's day `option_confirmation_days` from now, if the channel sets it (the
    placement's own deadline, never after the cut-off, applies too)."""
    days = channel.get("option_confirmation_days")
    if not days:
        return None
    return int(zones.end_of_local_day_after(now(), int(days), zone(org_id, performance_id)).timestamp())


def request_online(org_id: str, pos_code: str, email: str, request: RequestIn) -> Option:
    """Record the relay's request; on a channel with direct options, place it at once."""
    option = requests.request_online(org_id, pos_code, email, request)
    channel = catalog.get(org_id, "sales_channel", option.channel_id).data if option.channel_id else {}
    if not channel.get("direct_option_requests"):
        return option
    lines = [LineIn(category_id, quantity) for category_id, quantity in option.requested.items()]
    try:
        return service.place(
            org_id,
            option.option_id,
            option.created_by,
            option.performance_id,
            lines,
            confirm_by=confirmation_deadline(org_id, option.performance_id, channel),
            direct=True,
        )
    except DomainError as exc:  # not free (or no longer): the box office takes the request from here
        logger.info(
            "direct option left as a request", extra={"option_id": option.option_id, "reason": exc.message}
        )
        return get(org_id, option.option_id)


def confirm(org_id: str, email: str, option_id: str) -> Option:
    """The relay confirms their direct option: it becomes a reservation order, payable online."""
    option = requests.my_option(org_id, email, option_id)
    if not option.direct or option.state != m.PLACED:
        raise InvalidTransition(
            "Only an option placed at once online, and not yet confirmed, is confirmed by its relay",
            {"option_id": option_id, "state": option.state, "direct": option.direct},
        )
    [outcome] = validate(org_id, [option_id], option.created_by)
    if not outcome.ok:
        raise Conflict(outcome.error or "The option could not be confirmed", {"option_id": option_id})
    return get(org_id, option_id)
