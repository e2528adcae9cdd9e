"""Shared test set-up: a clean environment, and moto with every table for the in-process tiers."""

from __future__ import annotations

import os

# Set before any project import: settings are read lazily but cached per process.
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_REGION": "eu-west-1",
        "GUICHET_STAGE": "test",
        "GUICHET_TEST_STACK": "true",  # the simulated card provider serves the tests
        "GUICHET_TOKEN_SECRET": "test-secret-that-is-long-enough-for-hs256",
        "POWERTOOLS_METRICS_NAMESPACE": "GuichetTest",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "POWERTOOLS_METRICS_DISABLED": "true",
    }
)
for name in ("GUICHET_DYNAMODB_ENDPOINT", "GUICHET_AWS_ENDPOINT", "GUICHET_TOKEN_SECRET_ARN"):
    os.environ.pop(name, None)

# chalice.test's gateway answers as the stack's API Gateway does: 404 for an unknown route, gzip.
from infra.local import gateway  # noqa: E402

gateway.install()
