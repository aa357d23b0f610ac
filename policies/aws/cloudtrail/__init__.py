"""Policies for AWS cloudtrail."""
