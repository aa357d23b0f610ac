"""Policies for AWS ebs resources."""
