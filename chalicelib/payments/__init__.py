"""Card payments: the provider interface and the simulated provider used locally and in tests."""
