"""Policies for AWS iam."""
