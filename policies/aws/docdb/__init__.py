"""Policies for AWS docdb resources."""
