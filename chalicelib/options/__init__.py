"""Options: group and company holds from request to order."""
