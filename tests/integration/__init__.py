"""Integration tier: the code against DynamoDB Local, with several OS processes where it claims atomicity."""
