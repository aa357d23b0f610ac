"""Policies for AWS backup resources."""
