"""Tests of the components, by domain."""
