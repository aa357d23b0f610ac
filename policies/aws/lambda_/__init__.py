"""Policies for AWS lambda_."""
