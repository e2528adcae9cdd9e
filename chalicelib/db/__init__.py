"""PynamoDB models, key builders and table definitions: the one source of truth for storage."""
