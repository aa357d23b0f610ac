"""What the stack hands each domain when it declares a cell: settings, the cell, its grouping component and
provider. What one domain gives the next is its own typed output (`SecurityOutputs`, `NetworkOutputs`), passed
explicitly by `stacks.program.declare_cell`."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from stacks.settings import CellSettings, StackSettings


@dataclass(frozen=True)
class CellContext:
    """One cell being declared."""

    settings: StackSettings
    cell: CellSettings
    parent: pulumi.Resource
    """The cell's grouping component: every domain component is its child."""
    provider: aws.Provider
    """The explicit provider of (cell, cell.region), with the tag contract as default tags."""

    @property
    def opts(self) -> pulumi.ResourceOptions:
        """Options for a top-level component of the cell: parented to the cell, created by its provider."""
        return pulumi.ResourceOptions(parent=self.parent, provider=self.provider)

    @property
    def name(self) -> str:
        return self.cell.name
