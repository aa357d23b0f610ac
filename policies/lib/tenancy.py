"""Tenancy facts the tenant policies share: the tag naming a tenant, and the stack's KMS keys to judge against it.

Usage (inside a stack policy's `validate`)::

    from policies.lib.tenancy import TENANT_TAG, stack_keys

    keys_by_urn, keys_by_arn = stack_keys(args.resources)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from policies.lib.props import get

TENANT_TAG = "tenant"
"""Tag naming the tenant a key or store belongs to."""
KEY_TYPES = ("aws:kms/key:Key", "aws:kms/externalKey:ExternalKey", "aws:kms/replicaKey:ReplicaKey")


def stack_keys(resources: Sequence[Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The stack's KMS keys by URN and by literal `arn` (when the resource carries one)."""
    by_urn: dict[str, Any] = {}
    by_arn: dict[str, Any] = {}
    for resource in resources:
        if resource.resource_type not in KEY_TYPES:
            continue
        by_urn[resource.urn] = resource
        arn = get(resource.props, "arn")
        if isinstance(arn, str) and arn:
            by_arn[arn] = resource
    return by_urn, by_arn


__all__ = ["KEY_TYPES", "TENANT_TAG", "stack_keys"]
