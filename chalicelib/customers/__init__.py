"""Customers: indicators and their levels, target lists, a shopper account's contact; the shop's profile."""
