"""Customer emails and their outbox."""
