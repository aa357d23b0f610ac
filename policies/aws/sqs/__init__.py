"""Policies for AWS sqs resources."""
