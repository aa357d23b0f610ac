"""Chaos engineering from the command line: the experiments a stack declares, its game-day calendar, and running
one experiment into the release gate's chaos results (`trustfabric chaos list|calendar|run`)."""
