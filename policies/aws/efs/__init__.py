"""Policies for AWS efs resources."""
