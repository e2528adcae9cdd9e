"""Seat and quantity stock per performance, and holds on it."""
