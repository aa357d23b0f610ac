"""Policies for AWS redshift resources."""
