"""A permission set and an attachment naming it by property dependency, with any inputs (UNKNOWN included)."""

from __future__ import annotations

from typing import Any

from tests.policies.harness import resource
from trustfabric.graph import Resource, ResourceGraph

PERMISSION_SET = "aws:ssoadmin/permissionSet:PermissionSet"


def permission_set_with(
    set_inputs: dict[str, Any], attachment_type: str, attachment_inputs: dict[str, Any]
) -> ResourceGraph:
    """A graph of permission set 'ps' and one attachment 'attached' whose permissionSetArn depends on it."""
    graph = resource(PERMISSION_SET, set_inputs, name="ps")
    permission_set = next(r for r in graph.resources.values() if r.type == PERMISSION_SET)
    urn = permission_set.urn.replace(f"{PERMISSION_SET}::ps", f"{attachment_type}::attached")
    graph.resources[urn] = Resource(
        urn=urn,
        type=attachment_type,
        name="attached",
        custom=True,
        provider=permission_set.provider,
        region=permission_set.region,
        inputs={"permissionSetArn": "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-1", **attachment_inputs},
        dependencies=[permission_set.urn],
        property_dependencies={"permissionSetArn": [permission_set.urn]},
    )
    return graph
