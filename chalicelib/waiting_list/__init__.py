"""The waiting list of sold-out performances: shoppers wait, returned seats are offered in order."""
