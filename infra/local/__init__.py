"""The embedded local stack: DynamoDB Local, a moto server for the rest, `chalice local`."""
