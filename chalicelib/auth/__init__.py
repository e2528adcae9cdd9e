"""Operators, roles and rights; shoppers; passwords and signed tokens."""
