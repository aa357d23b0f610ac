"""What the stack hands each domain when it declares a cell: settings, the cell's provider, and shared outputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from stacks.settings import CellSettings, StackSettings


@dataclass
class CellContext:
    """One cell being declared. Domains run in order (security, network, resilience, observability) and publish
    what later domains need into `shared` (e.g. key ARNs by purpose and the permission boundary from security;
    the VPC id, its private subnet ids and CIDR from network)."""

    settings: StackSettings
    cell: CellSettings
    parent: pulumi.Resource
    """The cell's grouping component: every domain component is its child."""
    provider: aws.Provider
    """The explicit provider of (cell, cell.region), with the tag contract as default tags."""
    shared: dict[str, Any] = field(default_factory=dict)

    @property
    def opts(self) -> pulumi.ResourceOptions:
        """Options for a top-level component of the cell: parented to the cell, created by its provider."""
        return pulumi.ResourceOptions(parent=self.parent, provider=self.provider)

    @property
    def name(self) -> str:
        return self.cell.name
