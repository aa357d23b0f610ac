"""Tests of the security components."""
