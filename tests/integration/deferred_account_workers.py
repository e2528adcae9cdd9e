"""Worker functions for the deferred account races: invoices generated at once by several processes,
and relays of one company checking out on account together. Everything of the app is imported inside
the functions, after the process has its environment."""

from __future__ import annotations

import time
from typing import Any


def generate_invoices(worker: int, barrier: Any, payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Each round every worker invoices one account (two workers share each account: one of them finds
    nothing left to invoice). Records (round, company, number or refusal, started, finished)."""
    from datetime import date

    from chalicelib.deferred_accounts import repository, service
    from chalicelib.errors import Conflict

    repository.account_ids(payload["org_id"])  # opens this process's connection before the race
    day = date.fromisoformat(payload["day"])
    calls: list[dict[str, Any]] = []
    for number, accounts in enumerate(payload["rounds"]):
        company_id = accounts[worker // 2]
        barrier.wait()
        started = time.time()
        try:
            invoice = service.generate_invoice(payload["org_id"], company_id, day, day, f"worker-{worker}")
            outcome: Any = invoice.number
        except Conflict as exc:
            outcome = exc.details.get("reason", "conflict")
        calls.append(
            {
                "worker": worker,
                "round": number,
                "company_id": company_id,
                "outcome": outcome,
                "started": started,
                "finished": time.time(),
            }
        )
    return calls


def check_out_on_account(worker: int, barrier: Any, payload: dict[str, Any]) -> dict[str, Any]:
    """The worker's relay checks out its cart (one seat, held before the race) on account."""
    from chalicelib.errors import DomainError
    from chalicelib.sales import orders
    from chalicelib.sales.carts import Buyer
    from chalicelib.sales.orders import CheckoutRequest

    relay = payload["relays"][worker]
    buyer = Buyer(payload["org_id"], relay["shopper_id"], relay["shopper_id"], relay["email"], "Relay")
    barrier.wait()
    started = time.time()
    try:
        order = orders.checkout(payload["org_id"], relay["cart_id"], buyer, CheckoutRequest(on_account=True))
        outcome = {"status": order.status, "order_id": order.order_id, "total": order.total}
    except DomainError as exc:
        outcome = {"status": "refused", "code": exc.code, "reason": exc.details.get("reason")}
    return {**outcome, "started": started, "finished": time.time()}
