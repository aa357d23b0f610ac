"""Policies for AWS opensearch resources."""
