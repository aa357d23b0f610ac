"""What the restore drill's store steps share: the options, the scratch names, the known records, what exists.

One `RestoreContext` per run. The store drills (`restore_s3`, `restore_dynamodb`, `restore_rds`) create their
scratch resources under `prefix` in the cell's primary region, list them in `created` (what cleanup deletes, and
what `--keep` reports), put each store's recovery point in `recovery_points` (its RPO at the incident) and
each verified restore target in `verifications`.

Usage::

    context = RestoreContext(resolve_jurisdiction("UK"), aws, RestoreOptions(objects=4), drill_id="t1")
    S3Restore(context).create(step)
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from domain.naming import drill_prefix
from domain.residency import Jurisdiction

from .common import Aws
from .records import Verification, known_records, sha256, verify
from .report import Step, StepFailed
from .stores import STORES


@dataclass(frozen=True)
class RestoreOptions:
    """What the restore drill writes, restores and keeps."""

    objects: int = 20
    """S3 objects to write and restore."""
    items: int = 20
    """DynamoDB items to write and restore."""
    stores: tuple[str, ...] = STORES
    """Stores to drill: any of s3, dynamodb, rds."""
    keep: bool = False
    """Keep every resource the drill created (default: delete them at the end)."""
    inject_loss: int = 0
    """Delete this many restored S3 objects before verification (proves the verifier catches loss)."""
    inject_corruption: int = 0
    """Overwrite this many restored S3 objects before verification."""
    pitr_wait_seconds: float | None = None
    """Wait for the PITR window to cover the last write; default 0 on a stand-in endpoint, 360 on AWS."""
    ledger_rows: int = 40
    """Journal entries seeded into the RDS instance's ledger schema (3 lines each)."""
    inject_row_loss: int = 0
    """Delete this many seeded journal lines on the restored RDS instance before its rows are verified."""
    ca_bundle: str | None = None
    """RDS CA bundle for TLS verify-full (default `$TRUSTFABRIC_RDS_CA_BUNDLE`, see `database.aws`)."""


class RestoreContext:
    """The shared state of one restore drill run."""

    def __init__(self, cell: Jurisdiction, aws: Aws, options: RestoreOptions, drill_id: str) -> None:
        self.cell = cell
        self.aws = aws
        self.options = options
        self.region = cell.primary_region
        self.drill_id = drill_id
        self.prefix = drill_prefix(cell.code, drill_id)
        kinds = {"s3": options.objects, "dynamodb": options.items}
        self.data = {kind: known_records(cell.code, kind, count, drill_id) for kind, count in kinds.items()}
        """The known records by store kind (s3, dynamodb): key -> JSON bytes."""
        self.expected = {kind: {key: sha256(body) for key, body in data.items()} for kind, data in self.data.items()}
        """Their SHA-256 checksums: what every restore target is verified against."""
        self.created: dict[str, list[str]] = {
            "buckets": [],
            "tables": [],
            "backups": [],
            "instances": [],
            "snapshots": [],
            "secrets": [],
        }
        self.recovery_points: dict[str, dt.datetime] = {}
        self.verifications: dict[str, Verification] = {}
        self.last_write_monotonic = 0.0
        """When the last known record was written (monotonic clock); 0 before any."""

    def client(self, service: str) -> Any:
        """A client for the cell's primary region, where the drill creates everything."""
        return self.aws.client(service, self.region)

    def selected(self, store: str) -> bool:
        return store in self.options.stores

    def delete_created(self, kind: str, label: str, delete: Callable[[str], object], errors: list[str]) -> None:
        """Call `delete` on everything of `kind` the drill created; a failure is collected, the rest still go."""
        for name in self.created[kind]:
            try:
                delete(name)
            except ClientError as error:
                errors.append(f"{label} {name}: {error}")

    def record(self, target: str, kind: str, actual: dict[str, bytes], start: float, step: Step) -> None:
        """Verify a restore target's records (of store `kind`) restored since `start`; a loss fails the step."""
        result = verify(target, self.expected[kind], actual)
        result.time_to_restore_seconds = time.monotonic() - start
        self.verifications[target] = result
        step.details["verification"] = result.as_dict()
        if result.lost:
            raise StepFailed(f"{result.lost} of {result.written} records lost (missing or checksum mismatch)")
