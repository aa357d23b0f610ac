"""Policies for AWS dynamodb resources."""
