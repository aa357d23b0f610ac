"""Trust Fabric's offline toolchain: run a Pulumi program without a cloud, gate it with policy, report evidence.

Kept import-light: the CLI imports heavy modules (the Pulumi SDK, provider SDKs) only where a command needs them.
"""

__version__ = "0.1.0"
