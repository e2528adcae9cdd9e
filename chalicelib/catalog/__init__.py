"""What a venue sells: seasons, venues, plans, categories, quotas, events, prices, channels."""
