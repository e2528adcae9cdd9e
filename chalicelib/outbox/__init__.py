"""The transactional outbox: side effects written with the change that caused them, done by a worker."""
