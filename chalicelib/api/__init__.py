"""HTTP layer: blueprints, request/response models, the one DomainError -> HTTP mapping, OpenAPI."""
