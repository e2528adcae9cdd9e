"""Advantages, promo codes and single-use codes: better prices for the right people."""
