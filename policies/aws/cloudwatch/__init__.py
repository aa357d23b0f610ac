"""Policies for AWS cloudwatch resources."""
