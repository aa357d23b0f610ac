"""The restore drill for the records tier's S3 store: object versions restored into a NEW bucket.

A versioned scratch bucket gets the known records; the recovery point is the newest object version before the
incident. The incident overwrites half the objects and deletes the rest (delete markers); the restore copies,
for every key, the newest version at or before the recovery point into a new bucket, and every restored object
is verified by SHA-256. `inject_loss` / `inject_corruption` delete / overwrite restored objects before the
verification, to prove it catches loss.

Usage::

    s3 = S3Restore(context)
    for step in (s3.create, s3.write, s3.recovery_point, s3.incident, s3.restore, s3.verify):
        run.step(step.__name__, step)
"""

from __future__ import annotations

import time
from typing import Any

from botocore.exceptions import ClientError

from .common import bucket_location, not_found
from .records import sha256
from .report import Step, StepFailed, iso
from .restore_context import RestoreContext

TARGET = "s3: new bucket from object versions"
"""The restore target's name in the report."""
DELETE_BATCH = 1000
"""Most object versions one `delete_objects` call takes."""

Version = dict[str, Any]


class S3Restore:
    """The S3 steps of one restore drill run."""

    def __init__(self, context: RestoreContext) -> None:
        self.context = context
        self.s3 = context.client("s3")
        self.source_bucket = f"{context.prefix}-src"
        self.restored_bucket = f"{context.prefix}-restored"
        self.restore_started = 0.0

    @property
    def records(self) -> dict[str, bytes]:
        return self.context.data["s3"]

    def _create_bucket(self, bucket: str) -> None:
        self.s3.create_bucket(Bucket=bucket, **bucket_location(self.context.region))
        self.context.created["buckets"].append(bucket)

    def _versions(self, bucket: str) -> tuple[list[Version], list[Version]]:
        versions: list[Version] = []
        markers: list[Version] = []
        for page in self.s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
            versions += page.get("Versions", [])
            markers += page.get("DeleteMarkers", [])
        return versions, markers

    def create(self, step: Step) -> None:
        self._create_bucket(self.source_bucket)
        self.s3.put_bucket_versioning(Bucket=self.source_bucket, VersioningConfiguration={"Status": "Enabled"})
        status = self.s3.get_bucket_versioning(Bucket=self.source_bucket).get("Status")
        if status != "Enabled":
            raise StepFailed(f"versioning is {status!r} on {self.source_bucket}, not Enabled")
        step.details.update(bucket=self.source_bucket, region=self.context.region, versioning=status)

    def write(self, step: Step) -> None:
        for key, body in self.records.items():
            self.s3.put_object(Bucket=self.source_bucket, Key=key, Body=body, Metadata={"sha256": sha256(body)})
        self.context.last_write_monotonic = time.monotonic()
        step.details.update(objects=len(self.records))

    def recovery_point(self, step: Step) -> None:
        versions, _ = self._versions(self.source_bucket)
        if len(versions) < len(self.records):
            raise StepFailed(f"{len(versions)} object versions for {len(self.records)} objects written")
        point = max(version["LastModified"] for version in versions)
        self.context.recovery_points["s3"] = point
        step.details.update(versions=len(versions), recovery_point=iso(point))

    def incident(self, step: Step) -> None:
        keys = sorted(self.records)
        overwritten, deleted = keys[::2], keys[1::2]
        for key in overwritten:
            self.s3.put_object(Bucket=self.source_bucket, Key=key, Body=b'{"encrypted_by": "ransomware"}')
        for key in deleted:
            self.s3.delete_object(Bucket=self.source_bucket, Key=key)
        step.details.update(overwritten=len(overwritten), deleted=len(deleted))

    def restore(self, step: Step) -> None:
        start = time.monotonic()
        self._create_bucket(self.restored_bucket)
        recovery_point = self.context.recovery_points["s3"]
        versions, markers = self._versions(self.source_bucket)
        chosen: dict[str, Version] = {}
        for version in versions:
            if version["LastModified"] > recovery_point:
                continue
            best = chosen.get(version["Key"])
            if best is None or version["LastModified"] > best["LastModified"]:
                chosen[version["Key"]] = version
        for key, version in sorted(chosen.items()):
            self.s3.copy_object(
                Bucket=self.restored_bucket,
                Key=key,
                CopySource={"Bucket": self.source_bucket, "Key": key, "VersionId": version["VersionId"]},
            )
        step.details.update(
            target_bucket=self.restored_bucket,
            restored_to=iso(recovery_point),
            versions_examined=len(versions),
            delete_markers_ignored=len(markers),
            objects_copied=len(chosen),
            method="copy_object of each key's newest version at or before the recovery point",
        )
        self.restore_started = start

    def inject_faults(self, step: Step) -> None:
        options = self.context.options
        keys = sorted(self.records)
        removed = keys[: options.inject_loss]
        corrupted = keys[options.inject_loss : options.inject_loss + options.inject_corruption]
        for key in removed:
            self.s3.delete_object(Bucket=self.restored_bucket, Key=key)
        for key in corrupted:
            self.s3.put_object(Bucket=self.restored_bucket, Key=key, Body=b"corrupted by the drill's fault injection")
        step.details.update(deleted=removed, corrupted=corrupted)

    def verify(self, step: Step) -> None:
        actual: dict[str, bytes] = {}
        for key in self.records:
            try:
                actual[key] = self.s3.get_object(Bucket=self.restored_bucket, Key=key)["Body"].read()
            except ClientError as error:
                if not not_found(error):
                    raise
        self.context.record(TARGET, "s3", actual, self.restore_started, step)

    def _delete_bucket(self, bucket: str) -> None:
        versions, markers = self._versions(bucket)
        objects = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in versions + markers]
        for start in range(0, len(objects), DELETE_BATCH):
            self.s3.delete_objects(Bucket=bucket, Delete={"Objects": objects[start : start + DELETE_BATCH]})
        self.s3.delete_bucket(Bucket=bucket)

    def cleanup(self, errors: list[str]) -> None:
        """Delete every version of every bucket the drill created, then the buckets; errors are collected."""
        self.context.delete_created("buckets", "bucket", self._delete_bucket, errors)
