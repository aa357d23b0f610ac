"""The release gate: one signed decision whether a service or model version may be promoted.

See `trustfabric.release.gate` and docs/datasets.md.
"""
