"""A jurisdiction cell: the grouping component under which the stack declares one jurisdiction's footprint."""

from __future__ import annotations

import pulumi


class Cell(pulumi.ComponentResource):
    """Groups a cell's providers and components so previews, diffs and evidence read per jurisdiction."""

    def __init__(self, name: str, jurisdiction: str, region: str, opts: pulumi.ResourceOptions | None = None):
        super().__init__("trustfabric:stack:Cell", name, None, opts)
        self.jurisdiction = jurisdiction
        self.region = region
        self.register_outputs({"jurisdiction": jurisdiction, "region": region})
