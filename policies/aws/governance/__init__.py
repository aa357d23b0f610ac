"""Policies for AWS governance."""
