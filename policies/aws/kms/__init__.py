"""Policies for AWS KMS."""
