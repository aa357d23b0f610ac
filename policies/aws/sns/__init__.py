"""Policies for AWS sns resources."""
