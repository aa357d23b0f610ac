"""Policies for AWS lb resources."""
