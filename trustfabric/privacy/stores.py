"""Where a data subject's records are in a cell, and what the erasure workflow is asked to do to each of them.

This module only reads: it finds the records and turns a decision into a planned action of the erasure state
machine (`components.governance.erasure_definition`), which makes every change.

The layout the application writes (and `runbooks/erasure-request.md` states):

- **records bucket** (`domain.naming.records_bucket_name`): a subject's objects live under
  `subjects/<subject id>/`; each object's data class is its `data-class` object tag (absent: the bucket's own
  class, `statutory-record`) and its record date its `record-date` tag (ISO date: the end of the accounting
  period the record belongs to; absent: the object's last-modified day). Erase deletes every version; hold puts
  an S3 Object Lock legal hold on every version (the bucket is lock-enabled) and tags it with the request.
- **ledger events table** (`domain.naming.ledger_table_name`): a subject's items carry `subject_id`; the data class
  is `data_class` (absent: `statutory-record`) and the record date `record_date`. Pseudonymise replaces
  `subject_id` with a keyed digest and removes the identifying attributes (`IDENTIFYING_ATTRIBUTES`); hold marks
  the item `legal_hold` (the request), `retain_until` and `restricted`.

A real table would find a subject's items through an index on `subject_id`; the scan below is what works on any
table the workflow is pointed at, and is paginated.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from botocore.exceptions import ClientError

from components.governance.erasure_definition import (
    ERASE_OBJECT,
    HOLD_ITEM,
    HOLD_OBJECT,
    IDENTIFYING_ATTRIBUTES,
    PSEUDONYMISE_ITEM,
)

SUBJECT_PREFIX = "subjects/"
DATA_CLASS_KEY = "data-class"
RECORD_DATE_KEY = "record-date"
DEFAULT_CLASS = "statutory-record"
HOLD_TAG = "legal-hold-request"
__all__ = ["IDENTIFYING_ATTRIBUTES", "LedgerTableStore", "Located", "RecordsBucketStore", "Store"]


@dataclass(frozen=True)
class Located:
    """One record of the subject in one store."""

    store: str
    """`s3` or `dynamodb`."""
    location: str
    """`s3://bucket/key` or `dynamodb://table/<pk>/<sk>`."""
    data_class: str
    record_date: date
    handle: Any
    """What the store needs to act on it (S3: bucket, key, version ids; DynamoDB: the key)."""


class Store(Protocol):
    """What the workflow needs of a store: find a subject's records, and plan the removal or hold of one."""

    kind: str
    removal: str
    """What a planned removal does here, as the certificate says it: erased or pseudonymised."""

    def exists(self) -> bool: ...

    def locate(self, subject_id: str) -> Iterator[Located]: ...

    def plan_removal(self, record: Located, subject_id: str, secret: bytes) -> dict[str, Any]: ...

    def plan_hold(self, record: Located, request_id: str, retain_until: date) -> dict[str, Any]: ...


def _iso_date(text: Any, fallback: date) -> date:
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        return fallback


class RecordsBucketStore:
    """The cell's records bucket."""

    kind = "s3"
    removal = "erased"
    """What removing a record does here: an object cannot be partly rewritten, so it is erased (every version)."""

    def __init__(self, s3: Any, bucket: str) -> None:
        self.s3 = s3
        self.bucket = bucket

    def exists(self) -> bool:
        try:
            self.s3.head_bucket(Bucket=self.bucket)
        except ClientError:
            return False
        return True

    def locate(self, subject_id: str) -> Iterator[Located]:
        prefix = f"{SUBJECT_PREFIX}{subject_id}/"
        versions: dict[str, list[str]] = {}
        modified: dict[str, date] = {}
        for page in self.s3.get_paginator("list_object_versions").paginate(Bucket=self.bucket, Prefix=prefix):
            for version in page.get("Versions", []):
                versions.setdefault(version["Key"], []).append(version["VersionId"])
                if version.get("IsLatest"):
                    modified[version["Key"]] = version["LastModified"].date()
            for marker in page.get("DeleteMarkers", []):
                versions.setdefault(marker["Key"], []).append(marker["VersionId"])
        for key, version_ids in sorted(versions.items()):
            if key not in modified:
                continue  # only delete markers are left: nothing readable to act on, the markers go with it
            tags = {t["Key"]: t["Value"] for t in self.s3.get_object_tagging(Bucket=self.bucket, Key=key)["TagSet"]}
            yield Located(
                store=self.kind,
                location=f"s3://{self.bucket}/{key}",
                data_class=tags.get(DATA_CLASS_KEY, DEFAULT_CLASS),
                record_date=_iso_date(tags.get(RECORD_DATE_KEY), modified[key]),
                handle=(key, tuple(version_ids), tags),
            )

    def plan_removal(self, record: Located, subject_id: str, secret: bytes) -> dict[str, Any]:
        key, version_ids, _ = record.handle
        return {"action": ERASE_OBJECT, "key": key, "versionIds": list(version_ids)}

    def plan_hold(self, record: Located, request_id: str, retain_until: date) -> dict[str, Any]:
        key, version_ids, tags = record.handle
        tagged = {**tags, HOLD_TAG: request_id, "retain-until": retain_until.isoformat()}
        return {
            "action": HOLD_OBJECT,
            "key": key,
            "versionIds": list(version_ids),
            "tagSet": [{"Key": k, "Value": v} for k, v in tagged.items()],
        }


class LedgerTableStore:
    """The cell's ledger events table."""

    kind = "dynamodb"
    removal = "pseudonymised"
    """What removing a record does here: ledger rows stay (other rows refer to them), the person goes."""

    def __init__(self, dynamodb: Any, table: str) -> None:
        self.dynamodb = dynamodb
        self.table = table

    def exists(self) -> bool:
        try:
            self.dynamodb.describe_table(TableName=self.table)
        except ClientError:
            return False
        return True

    def _key_schema(self) -> list[str]:
        schema = self.dynamodb.describe_table(TableName=self.table)["Table"]["KeySchema"]
        return [entry["AttributeName"] for entry in schema]

    def locate(self, subject_id: str) -> Iterator[Located]:
        key_names = self._key_schema()
        paginator = self.dynamodb.get_paginator("scan")
        pages = paginator.paginate(
            TableName=self.table,
            FilterExpression="subject_id = :subject",
            ExpressionAttributeValues={":subject": {"S": subject_id}},
        )
        for page in pages:
            for item in page.get("Items", []):
                key = {name: item[name] for name in key_names}
                shown = "/".join(next(iter(value.values())) for value in key.values())
                yield Located(
                    store=self.kind,
                    location=f"dynamodb://{self.table}/{shown}",
                    data_class=item.get("data_class", {}).get("S", DEFAULT_CLASS),
                    record_date=_iso_date(item.get("record_date", {}).get("S"), date.min),
                    handle=key,
                )

    def plan_removal(self, record: Located, subject_id: str, secret: bytes) -> dict[str, Any]:
        pseudonym = "pseudonym:" + hmac.new(secret, subject_id.encode(), hashlib.sha256).hexdigest()[:32]
        return {"action": PSEUDONYMISE_ITEM, "itemKey": record.handle, "pseudonym": pseudonym}

    def plan_hold(self, record: Located, request_id: str, retain_until: date) -> dict[str, Any]:
        return {"action": HOLD_ITEM, "itemKey": record.handle, "retainUntil": retain_until.isoformat()}
