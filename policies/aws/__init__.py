"""Policies for pulumi-aws resources."""
