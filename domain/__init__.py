"""The bottom layer: pure facts and rules every other layer shares, with no Pulumi and no toolchain import.

- `domain.residency`: where each jurisdiction's data may live and its statutory record retention;
- `domain.tiers`: recovery tiers, their backup rules and RPO/RTO objectives;
- `domain.tags`: the tag contract every resource carries;
- `domain.naming`: the deterministic resource names the components declare and the drills look up again;
- `domain.errors`: the bad-input error (exit code 2) that generators below the toolchain raise;
- `domain.strict_yaml`: the strict YAML and JSON reader behind every file the toolchain and generators read.

The policy pack (`policies/`) does not import this package: it is self-contained, and these facts reach it as
generated data (`python -m trustfabric.packdata`), checked against this package by a test.
"""
