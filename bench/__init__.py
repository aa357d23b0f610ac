"""Benchmarks: speed and memory of the offline toolchain. Run with `make bench`; never part of the tests."""
