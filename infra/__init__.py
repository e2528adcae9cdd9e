"""Deployment tooling: the embedded local stack (infra.local) and the cloud stack (infra.aws)."""
