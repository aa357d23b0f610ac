"""Tests of the resilience components, against the real stacks run by the offline engine."""
