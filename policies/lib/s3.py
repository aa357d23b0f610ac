"""S3 stack policies: which sub-resources (encryption configuration, bucket policy, public access block) belong
to which bucket.

Usage (inside a stack policy's `validate`)::

    targets = BucketTargets(resources)
    for bucket in (r for r in resources if r.resource_type in BUCKET_TYPES):
        configurations = targets.of(bucket)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from policies.lib.props import get, is_unknown

BUCKET_TYPES = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")


def targets_bucket(resource: Any, bucket: Any) -> bool:
    """True when `resource`'s `bucket` input refers to `bucket` (a stack policy's PolicyResources).

    Either the input depends on the bucket resource (`bucket=bucket.id`, known or not), or it is the bucket's
    literal name (`bucket="invoices-uk"` on both).
    """
    if any(dependency.urn == bucket.urn for dependency in resource.property_dependencies.get("bucket", [])):
        return True
    name = _bucket_name(bucket.props)
    return name is not None and _bucket_name(resource.props) == name


def _bucket_name(props: Any) -> str | None:
    """The literal, non-empty `bucket` input in `props`; None when absent, unknown or not a string."""
    if is_unknown(props, "bucket"):
        return None
    name = get(props, "bucket")
    return name if isinstance(name, str) and name else None


class BucketTargets:
    """`targets_bucket` for many buckets at once: which of `resources` target a bucket, found through an index
    (by dependency URN and by literal name) instead of by testing every pair, so a stack policy stays linear on
    stacks with thousands of buckets. The answer is exactly `[r for r in resources if targets_bucket(r, bucket)]`.
    """

    def __init__(self, resources: Sequence[Any]) -> None:
        self.resources = list(resources)
        self._by_dependency: dict[str, list[int]] = {}
        self._by_name: dict[str, list[int]] = {}
        for index, resource in enumerate(self.resources):
            for dependency in resource.property_dependencies.get("bucket", []):
                self._by_dependency.setdefault(dependency.urn, []).append(index)
            name = _bucket_name(resource.props)
            if name is not None:
                self._by_name.setdefault(name, []).append(index)

    def of(self, bucket: Any) -> list[Any]:
        """The resources targeting `bucket`, in their order in `resources`."""
        found = set(self._by_dependency.get(bucket.urn, ()))
        name = _bucket_name(bucket.props)
        if name is not None:
            found.update(self._by_name.get(name, ()))
        return [self.resources[index] for index in sorted(found)]
