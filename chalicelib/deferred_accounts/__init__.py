"""The deferred account (compte d'attente): a ledger per customer company, its invoices and payments."""
