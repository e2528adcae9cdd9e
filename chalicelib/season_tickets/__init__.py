"""Season tickets: packages of performances at a computed price, held together, and their subscriptions."""
