"""The Chalice application: middleware, blueprints and the workflow Lambda functions; nothing else."""

import uuid

from chalice import Chalice

from chalicelib import config
from chalicelib.api import (
    advantage_codes,
    advantages,
    backoffice,
    backoffice_carts,
    backoffice_orders,
    catalog,
    company_accounts,
    customers,
    deferred_accounts,
    distributor_exports,
    distributor_reconciliation,
    distributor_runs,
    distributor_sales,
    distributor_simulator,
    distributors,
    emails,
    meta,
    options,
    organisation,
    payment_simulator,
    personal_space,
    plans,
    producer_space,
    queue,
    reports,
    season_ticket_renewal,
    season_tickets,
    shop,
    shop_advantages,
    shop_catalog,
    shop_options,
    shop_sales,
    stock,
    stripe_webhook,
    ticket_distribution,
    waiting_list,
    workflows,
)
from chalicelib.api.errors import in_our_shape, unexpected_error_response
from chalicelib.auth import client
from chalicelib.observability import logger, metrics
from chalicelib.workflows import (
    code_batches,
    figures_rebuild,
    hold_cleanup,
    open_performance,
    option_expiry,
    queue_admitter,
    reconciler,
    waiting_list_offers,
)
from chalicelib.workflows import (
    distributor_runs as distributor_runs_workflow,
)

app = Chalice(app_name="guichet")
# e-ticket PDFs go out as binary (API Gateway base64-encodes them)
app.api.binary_types.append("application/pdf")


def _request_id(event) -> str:
    lambda_context = getattr(event, "lambda_context", None)
    return (
        (event.context or {}).get("requestId")
        or getattr(lambda_context, "aws_request_id", None)
        or uuid.uuid4().hex
    )


def _base_url(event) -> str | None:
    """Where this request came: API Gateway's https://<host>/<stage>, or the host as called locally."""
    headers = event.headers or {}
    host = headers.get("host")
    if not host:
        return None
    stage = (event.context or {}).get("stage")
    if "execute-api" in host and stage:
        return f"https://{host}/{stage}"
    return f"{headers.get('x-forwarded-proto', 'http')}://{host}"


def _answer(event, get_response):
    """The view's answer; Chalice's own (a 405, a binary answer's Accept mismatch) in our error shape."""
    try:
        return in_our_shape(get_response(event))
    except Exception:  # noqa: BLE001 - a failing middleware answers in the documented shape too
        return unexpected_error_response()


@app.middleware("http")
def observe(event, get_response):
    request_id = _request_id(event)
    config.set_request_base(_base_url(event))
    logger.append_keys(request_id=request_id, path=event.path, method=event.method)
    try:
        response = _answer(event, get_response)
        response.headers["X-Request-Id"] = request_id
        metrics.add_metric(name=f"Http{response.status_code // 100}xx", unit="Count", value=1)
        logger.info("request", extra={"status": response.status_code})
        return response
    finally:
        config.set_request_base(None)
        metrics.flush_metrics()
        logger.remove_keys(["request_id", "path", "method"])


app.register_middleware(client.middleware, "http")  # each request knows its client (auth/client.py)

for module in (
    meta,
    backoffice,
    workflows,
    catalog,
    plans,
    stock,
    shop,
    shop_catalog,
    shop_sales,
    shop_advantages,
    backoffice_carts,
    backoffice_orders,
    emails,
    payment_simulator,
    distributor_simulator,
    options,
    shop_options,
    stripe_webhook,
    queue,
    reports,
    advantages,
    advantage_codes,
    customers,
    organisation,
    season_ticket_renewal,
    season_tickets,
    company_accounts,
    personal_space,
    producer_space,
    deferred_accounts,
    ticket_distribution,
    waiting_list,
    distributors,
    distributor_exports,
    distributor_reconciliation,
    distributor_runs,
    distributor_sales,
):
    app.register_blueprint(module.blueprint)

app.lambda_function(name="hold_cleanup")(hold_cleanup.handle)
app.lambda_function(name="open_performance")(open_performance.handle)
app.lambda_function(name="option_expiry")(option_expiry.handle)
app.lambda_function(name="queue_admitter")(queue_admitter.handle)
app.lambda_function(name="reconciler")(reconciler.handle)
app.lambda_function(name="outbox_worker")(reconciler.outbox_worker)
app.lambda_function(name="figures_rebuild")(figures_rebuild.handle)
app.lambda_function(name="code_batches")(code_batches.handle)
app.lambda_function(name="waiting_list_offers")(waiting_list_offers.handle)
app.lambda_function(name="distributor_runs")(distributor_runs_workflow.handle)
