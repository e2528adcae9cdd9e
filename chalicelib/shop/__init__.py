"""The shop's read side: what a point of sale offers, its prices, free places and seat map."""
