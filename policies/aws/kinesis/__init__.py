"""Policies for AWS kinesis resources."""
