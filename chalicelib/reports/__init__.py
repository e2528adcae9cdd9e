"""Sales reports and the figures they read, kept up to date from orders."""
