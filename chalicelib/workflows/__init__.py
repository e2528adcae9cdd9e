"""Lambda handlers that Step Functions tasks and schedules invoke, and the workflow catalogue."""
