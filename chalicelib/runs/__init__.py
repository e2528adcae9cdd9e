"""Execution history of workflows and scheduled jobs."""
