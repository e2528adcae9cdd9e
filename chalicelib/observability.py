"""Powertools Logger and Metrics shared by the app; the Tracer exists only when tracing is on."""

from __future__ import annotations

import functools

from aws_lambda_powertools import Logger, Metrics

from chalicelib.config import settings

SERVICE = "guichet"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace="Guichet", service=SERVICE)


@functools.cache
def tracer():
    """The X-Ray tracer, or None when tracing is off (its SDK is imported only then)."""
    if not settings().tracing:
        return None
    from aws_lambda_powertools import Tracer

    return Tracer(service=SERVICE)
