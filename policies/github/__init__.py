"""Policies for pulumi-github resources: the repository controls that keep changes reviewed and gated."""
