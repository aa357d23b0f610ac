"""Policies for AWS secretsmanager resources."""
