"""guichet: the deployed ticketing back-end."""
