"""Policies for AWS elasticache resources."""
