"""The Chalice application: middleware, blueprints and the workflow Lambda functions; nothing else."""

from chalice import Chalice

from chalicelib.api import backoffice, meta, shop, workflows
from chalicelib.observability import logger, metrics
from chalicelib.workflows import hold_cleanup

app = Chalice(app_name="guichet")


@app.middleware("http")
def observe(event, get_response):
    logger.append_keys(request_id=event.context.get("requestId"), path=event.path, method=event.method)
    try:
        response = get_response(event)
        metrics.add_metric(name=f"Http{response.status_code // 100}xx", unit="Count", value=1)
        logger.info("request", extra={"status": response.status_code})
        return response
    finally:
        metrics.flush_metrics()
        logger.remove_keys(["request_id", "path", "method"])


for module in (meta, backoffice, workflows, shop):
    app.register_blueprint(module.blueprint)

app.lambda_function(name="hold_cleanup")(hold_cleanup.handle)
