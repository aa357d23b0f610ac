"""Policies for AWS s3 resources."""
