"""Policies for AWS rds resources."""
