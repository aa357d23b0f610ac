"""What the stack hands each domain when it declares a cell: settings, the cell, its grouping component and
provider. What one domain gives the next is its own typed output (`SecurityOutputs`, `NetworkOutputs`), passed
explicitly by `stacks.program.declare_cell`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

import pulumi
import pulumi_aws as aws

from domain import tags
from stacks.settings import CellSettings, StackSettings


class Placement(TypedDict):
    """Where a component of the cell lives, in the argument names most cell components share."""

    cell: str
    jurisdiction: str
    region: str


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

    @property
    def placement(self) -> Placement:
        """`cell`, `jurisdiction` and `region` of a component's arguments: `XArgs(**ctx.placement, ...)`."""
        return {"cell": self.cell.name, "jurisdiction": self.cell.code, "region": self.cell.region}


def cell_tags(settings: StackSettings, cell: CellSettings) -> dict[str, str]:
    """The tag contract every AWS resource of the cell carries (as the provider's default tags)."""
    return {
        tags.JURISDICTION: cell.code,
        tags.DATA_CLASSIFICATION: cell.data_classification,
        tags.OWNER: settings.owner,
        tags.STACK: settings.stack,
        tags.CELL: cell.name,
    }
