"""Policies on Datadog resources."""
