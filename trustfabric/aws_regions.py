"""Whether a name is an AWS region, from the partitions botocore ships (every region of every partition, or a
name of a partition's region pattern, so a region newer than the installed botocore is still recognised).

Usage::

    from trustfabric.aws_regions import is_aws_region

    is_aws_region("eu-west-2")     # True
    is_aws_region("garbage!!")     # False
"""

from __future__ import annotations

import functools
import re


@functools.cache
def _partitions() -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    from botocore.loaders import create_loader

    endpoints = create_loader().load_data("endpoints")
    regions: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for partition in endpoints.get("partitions", []):
        regions.update(partition.get("regions", {}))
        if partition.get("regionRegex"):
            patterns.append(re.compile(partition["regionRegex"]))
    return frozenset(regions), tuple(patterns)


def is_aws_region(name: str) -> bool:
    """True for a region of any AWS partition (aws, aws-cn, aws-us-gov, ...)."""
    regions, patterns = _partitions()
    return name in regions or any(pattern.fullmatch(name) for pattern in patterns)


__all__ = ["is_aws_region"]
