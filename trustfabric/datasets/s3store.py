"""A dataset store in S3 (`s3://bucket/prefix`): Object Lock in governance mode, conditional writes only.

The dataset bucket must have Object Lock enabled (it then also has versioning). Every object this store writes
is a conditional PUT (`If-None-Match: *`, so an existing key is never replaced) carrying its SHA-256 checksum
(S3 rejects a body that does not match) and a governance-mode retention: the bucket's default retention period
when it has one, else ten years (the longest statutory record retention of our jurisdictions, `domain.residency`).
A released version can then be neither overwritten nor deleted without the governance bypass permission, which
the tooling never uses.

Usage::

    store = S3Store.connect("s3://golden-datasets/accounting", endpoint_url=None, for_writing=True)
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from ..errors import TrustFabricError
from .store import Store

LOCK_MODE = "GOVERNANCE"


def default_retention_days() -> int:
    """The longest statutory record retention of the four jurisdictions, in days."""
    from domain.residency import JURISDICTIONS

    return max(jurisdiction.retention_days for jurisdiction in JURISDICTIONS.values())


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


class S3Store(Store):
    def __init__(self, client: Any, bucket: str, prefix: str, retention_days: int) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.retention_days = retention_days
        self.url = f"s3://{bucket}/{self.prefix}" if self.prefix else f"s3://{bucket}"

    @classmethod
    def connect(cls, spec: str, *, endpoint_url: str | None, for_writing: bool) -> S3Store:
        bucket, _, prefix = spec.removeprefix("s3://").partition("/")
        if not bucket:
            raise TrustFabricError(f"--store: {spec}: no bucket; expected s3://bucket/prefix")
        client = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            config=Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=10, read_timeout=60),
        )
        try:
            lock = client.get_object_lock_configuration(Bucket=bucket).get("ObjectLockConfiguration", {})
        except ClientError as error:
            code = _code(error)
            if code == "NoSuchBucket":
                raise TrustFabricError(f"--store: {spec}: no such bucket") from None
            if code != "ObjectLockConfigurationNotFoundError":
                raise TrustFabricError(f"--store: {spec}: {code or error}") from None
            lock = {}
        except BotoCoreError as error:
            raise TrustFabricError(f"--store: {spec}: cannot reach S3: {error}") from None
        if for_writing and lock.get("ObjectLockEnabled") != "Enabled":
            raise TrustFabricError(
                f"--store: s3://{bucket}: Object Lock is not enabled; the dataset bucket needs Object Lock "
                "(governance mode) so a released version is never overwritten or deleted"
            )
        default = lock.get("Rule", {}).get("DefaultRetention", {})
        days = int(default.get("Days") or 0) or 365 * int(default.get("Years") or 0) or default_retention_days()
        return cls(client, bucket, prefix, days)

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if _code(error) in ("404", "NoSuchKey", "NotFound"):
                return False
            raise TrustFabricError(f"{self.where(key)}: {_code(error) or error}") from None
        return True

    @contextlib.contextmanager
    def open(self, key: str) -> Iterator[BinaryIO]:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if _code(error) in ("404", "NoSuchKey", "NotFound"):
                raise TrustFabricError(f"{self.where(key)}: missing from the store") from None
            raise TrustFabricError(f"{self.where(key)}: {_code(error) or error}") from None
        body = response["Body"]
        try:
            yield body
        finally:
            body.close()

    def _create(self, key: str, path: str | Path, sha256: str) -> bool:
        retain_until = dt.datetime.now(dt.UTC) + dt.timedelta(days=self.retention_days)
        checksum = base64.b64encode(bytes.fromhex(sha256)).decode("ascii")
        try:
            with open(path, "rb") as body:
                self.client.put_object(
                    Bucket=self.bucket,
                    Key=self._key(key),
                    Body=body,
                    IfNoneMatch="*",
                    ChecksumAlgorithm="SHA256",
                    ChecksumSHA256=checksum,
                    ObjectLockMode=LOCK_MODE,
                    ObjectLockRetainUntilDate=retain_until,
                )
        except ClientError as error:
            code = _code(error)
            if code in ("PreconditionFailed", "412", "ConditionalRequestConflict"):
                return False
            if code in ("BadDigest", "InvalidDigest", "XAmzContentSHA256Mismatch"):
                raise TrustFabricError(f"{path}: changed while being ingested (sha256 differs); ingest again") from None
            raise TrustFabricError(f"{self.where(key)}: cannot write: {code or error}") from None
        except BotoCoreError as error:
            raise TrustFabricError(f"{self.where(key)}: cannot write: {error}") from None
        return True

    def list(self, prefix: str) -> Iterator[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        full = self._key(prefix)
        strip = len(self.prefix) + 1 if self.prefix else 0
        keys: list[str] = []
        try:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=full):
                keys.extend(item["Key"][strip:] for item in page.get("Contents", []))
        except ClientError as error:
            raise TrustFabricError(f"{self.url}: cannot list: {_code(error) or error}") from None
        return iter(sorted(keys))

    def retention(self, key: str) -> dict[str, Any]:
        """The object's lock mode and retain-until date (for `version show` and the tests)."""
        response = self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        return {"mode": response.get("ObjectLockMode"), "retain_until": response.get("ObjectLockRetainUntilDate")}
