"""The cloud stack: a CloudFormation template merged into `chalice package`, and its deployment."""
