"""A shopper's season ticket into their cart: the choice checked against the product's rules, then the
seats of every chosen performance held together (sales.package_holds), priced by the product's lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from chalicelib.catalog.season_ticket_kinds import LineChoice, SeasonTicketSpec
from chalicelib.errors import Conflict, InvalidInput
from chalicelib.sales import package_holds
from chalicelib.sales.carts import Buyer, HoldRequest, PricedCart
from chalicelib.season_tickets import offers


class CategoryChangeRefused(Conflict):
    """Another seat category was asked for where the product or the line does not allow it, or where
    the chosen category still has seats, or it is not among the alternatives offered."""

    code = "category_change_refused"


@dataclass(frozen=True)
class Chosen:
    """One performance the shopper chose for a line, in another category when it is an alternative."""

    line_id: str
    performance_id: str
    seat_category_id: str | None = None
    seat_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class SeasonTicketRequest:
    season_ticket_id: str
    audience_subcategory_id: str
    seat_category_id: str
    quantity: int
    performances: Sequence[Chosen]


def _check_lines(product: SeasonTicketSpec, request: SeasonTicketRequest) -> None:
    chosen = [c.line_id.lower() for c in request.performances]
    if len(set(chosen)) != len(chosen):
        raise InvalidInput("One performance per line", {"field": "performances", "reason": "line_twice"})
    if not product.min_lines <= len(chosen) <= product.max_lines:
        raise InvalidInput(
            f"Choose between {product.min_lines} and {product.max_lines} performances",
            {
                "field": "performances",
                "min": product.min_lines,
                "max": product.max_lines,
                "chosen": len(chosen),
            },
        )
    missing = [
        line.id
        for line in product.lines
        if line.choice == LineChoice.MANDATORY and line.id.lower() not in chosen
    ]
    if missing:
        raise InvalidInput(
            "Every mandatory line needs a performance", {"field": "performances", "mandatory_lines": missing}
        )
    for n, c in enumerate(request.performances):
        line = product.line(c.line_id)
        if line is None:
            raise InvalidInput(
                f"No line {c.line_id} in this season ticket", {"field": f"performances[{n}].line_id"}
            )
        if c.performance_id not in line.performance_ids:
            raise InvalidInput(
                f"Line {line.id} does not offer performance {c.performance_id}",
                {"field": f"performances[{n}].performance_id", "offered": line.performance_ids},
            )
        if c.seat_ids and len(c.seat_ids) != request.quantity:
            raise InvalidInput(
                f"Give {request.quantity} seats, one per season ticket",
                {"field": f"performances[{n}].seat_ids", "quantity": request.quantity},
            )


def parts_of(org_id: str, pos_code: str, request: SeasonTicketRequest) -> list[package_holds.PackagePart]:
    """The package to hold: one part per chosen performance, each priced by its line; refusals name the
    performance and the reason."""
    product = offers.product_on_sale(org_id, request.season_ticket_id)
    _check_lines(product, request)
    package_id = package_holds.new_package_id()
    parts = []
    for n, c in enumerate(request.performances):
        line = product.line(c.line_id)
        assert line is not None
        prices = offers.line_prices(line, request.audience_subcategory_id)
        if request.seat_category_id not in prices:
            raise InvalidInput(
                f"Line {line.id} has no price for this seat category and audience subcategory",
                {"field": "seat_category_id", "line_id": line.id},
            )
        category = c.seat_category_id or request.seat_category_id
        if category != request.seat_category_id:
            _check_change(org_id, pos_code, product, line, c, request, n)
        if category not in prices:
            raise InvalidInput(
                f"Line {line.id} has no price for seat category {category}",
                {"field": f"performances[{n}].seat_category_id", "line_id": line.id},
            )
        allowed = product.allows_category_change(line)
        parts.append(
            package_holds.PackagePart(
                request=HoldRequest(
                    performance_id=c.performance_id,
                    seat_ids=tuple(c.seat_ids),
                    category_id=category,
                    quantity=0 if c.seat_ids else request.quantity,
                    audience_subcategory_id=request.audience_subcategory_id,
                ),
                package={
                    "package_id": package_id,
                    "season_ticket_id": request.season_ticket_id,
                    "name": product.name,
                    "line_id": line.id,
                    "amount": prices[category],
                },
                same_seat=product.same_seat and category == request.seat_category_id,
                other_prices={k: v for k, v in prices.items() if k != category} if allowed else {},
            )
        )
    # the same seat's reference is a performance in the chosen category: those go first
    return sorted(parts, key=lambda part: part.request.category_id != request.seat_category_id)


def _check_change(org_id, pos_code, product, line, c: Chosen, request: SeasonTicketRequest, n: int) -> None:
    """Another category is the seed's alternative: allowed by the line, and offered (the chosen one
    full there, the other among the two above and the one below with seats); or, for a same-seat
    alternative, the same seats in another category the line prices."""
    where = {
        "field": f"performances[{n}].seat_category_id",
        "line_id": line.id,
        "performance_id": c.performance_id,
    }
    if not product.allows_category_change(line):
        raise CategoryChangeRefused(
            f"Line {line.id} does not allow another seat category", {**where, "reason": "not_allowed"}
        )
    if c.seat_ids and product.same_seat:
        return  # the same seats in another category: priced by the line, checked when held
    shown = offers.performance_offer(
        org_id,
        pos_code,
        product,
        line,
        c.performance_id,
        request.audience_subcategory_id,
        request.seat_category_id,
        request.quantity,
    )
    if shown.status != offers.FULL:
        raise CategoryChangeRefused(
            "The chosen seat category still has seats for this performance",
            {**where, "reason": "category_not_full"},
        )
    if c.seat_category_id not in {a["seat_category_id"] for a in shown.alternatives}:
        raise CategoryChangeRefused(
            "This seat category is not among the alternatives offered (two above, one below, with seats)",
            {**where, "reason": "not_an_alternative", "alternatives": shown.alternatives},
        )


def hold_season_ticket(
    org_id: str, cart_id: str, buyer: Buyer, pos_code: str, request: SeasonTicketRequest
) -> PricedCart:
    return package_holds.add_package(org_id, cart_id, buyer, parts_of(org_id, pos_code, request))
