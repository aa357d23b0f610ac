"""Policies for AWS ec2."""
