"""Policies for AWS ecs."""
