"""The shop's spaces: the producer space and the shopper's personal space."""
