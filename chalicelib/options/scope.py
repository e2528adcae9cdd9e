"""An operator's scope on options: seat options need the "single entry" family, and an option's lines
must be for audience categories the operator works on."""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.auth.model import SINGLE_ENTRY, Scope
from chalicelib.catalog import service as catalog
from chalicelib.errors import NotFound, PermissionDenied
from chalicelib.options.confirmation import check_audience
from chalicelib.options.repository import Option


def check_family(scope: Scope) -> None:
    """Options are seat options, products of the "single entry" family (events)."""
    if not scope.covers_family(SINGLE_ENTRY):
        raise PermissionDenied(
            "Seat options are of the single_entry product family, which is outside your scope",
            {"reason": "product_family", "product_family": SINGLE_ENTRY},
        )


def audience_categories(
    org_id: str, performance_id: str, category_ids: Iterable[str], audience_subcategory_id: str | None
) -> set[str]:
    """The audience categories lines are for: the option rate's, else each seat category's full price
    on the performance's price grid (what its order would charge). Empty when neither is known."""
    if audience_subcategory_id:
        subcategories = {audience_subcategory_id}
    else:
        from chalicelib.sales.carts import price_list

        prices = price_list(org_id, performance_id)
        subcategories = {prices.default_subcategory(c) for c in category_ids} - {None}
    found = set()
    for subcategory_id in subcategories:
        try:
            subcategory = catalog.get(org_id, "audience_subcategory", subcategory_id).data
        except NotFound:
            continue
        found.add(subcategory["audience_category_id"])
    return found


def option_audiences(option: Option, audience_subcategory_id: str | None = None) -> set[str]:
    """An option's audience categories (with `audience_subcategory_id` as its rate, when given)."""
    categories = [line.category_id for line in option.placed] or list(option.requested)
    return audience_categories(
        option.org_id,
        option.placed_performance_id or option.performance_id,
        categories,
        audience_subcategory_id or option.audience_subcategory_id,
    )


def outside(scope: Scope, audiences: set[str]) -> list[str] | None:
    """The audience categories outside the scope; None when in scope. Lines whose audience is unknown
    are outside a scope that limits audiences: it cannot be shown that they are in."""
    if not scope.limits_audience:
        return None
    if not audiences:
        return ["unknown"]
    missing = sorted(a for a in audiences if not scope.covers_audience(a))
    return missing or None


def check_audiences(scope: Scope, audiences: set[str], option: Option | None = None) -> None:
    missing = outside(scope, audiences)
    if missing is None:
        return
    what = f"Option {option.number}" if option else "These lines"
    reason = (
        "has no audience category known (no option rate, no price grid)"
        if missing == ["unknown"]
        else f"is for audience categor{'y' if len(missing) == 1 else 'ies'} {', '.join(missing)}"
    )
    details = {"reason": "audience_category", "audience_category_ids": missing}
    if option:
        details["option_id"] = option.option_id
    raise PermissionDenied(f"{what} {reason}, outside your scope", details)


def check_option(scope: Scope, option: Option, audience_subcategory_id: str | None = None) -> None:
    """The operator may act on this option (placed with `audience_subcategory_id`, when given)."""
    check_family(scope)
    if scope.limits_audience:
        if audience_subcategory_id:
            check_audience(option.org_id, audience_subcategory_id)  # a wrong rate is a 422, not a 403
        check_audiences(scope, option_audiences(option, audience_subcategory_id), option)


def in_scope(scope: Scope, option: Option) -> bool:
    if not scope.covers_family(SINGLE_ENTRY):
        return False
    return not scope.limits_audience or outside(scope, option_audiences(option)) is None


def check_lines(
    scope: Scope, org_id: str, performance_id: str, category_ids: list[str], rate: str | None = None
) -> None:
    """A request or a direct placement: at the option rate given, else its lines are at full price."""
    check_family(scope)
    if scope.limits_audience:
        if rate:
            check_audience(org_id, rate)
        try:
            audiences = audience_categories(org_id, performance_id, category_ids, rate)
        except NotFound:
            return  # an unknown performance: the action refuses it, naming the field
        check_audiences(scope, audiences)


def check_all(scope: Scope, org_id: str, option_ids: list[str]) -> None:
    """Every option of a batch is in scope, or none is acted on (403 naming those outside); unknown
    options are left to the action, which reports them one by one."""
    from chalicelib.options.store import get

    check_family(scope)
    if not scope.limits_audience:
        return
    refused = {}
    for option_id in dict.fromkeys(option_ids):
        try:
            option = get(org_id, option_id)
        except NotFound:
            continue
        missing = outside(scope, option_audiences(option))
        if missing is not None:
            refused[option_id] = missing
    if refused:
        raise PermissionDenied(
            f"{len(refused)} option(s) are for audience categories outside your scope; nothing was done",
            {"reason": "audience_category", "options": refused},
        )


def visible(scope: Scope, options: list[Option]) -> tuple[list[Option], int, str | None]:
    """The options the operator sees, how many were left out and why (None when none was)."""
    if not scope.covers_family(SINGLE_ENTRY):
        reason = "Seat options are of the single_entry product family, which is outside your scope"
        return [], len(options), reason if options else None
    if not scope.limits_audience:
        return options, 0, None
    shown = [o for o in options if outside(scope, option_audiences(o)) is None]
    hidden = len(options) - len(shown)
    reason = f"{hidden} option(s) are for audience categories outside your scope" if hidden else None
    return shown, hidden, reason
