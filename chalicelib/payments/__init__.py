"""Card payments: the provider interface, the Stripe provider, and the simulator of test stacks."""
