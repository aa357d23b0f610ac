"""`drill restore`: write known data, back it up, restore into NEW resources, prove every record came back.

For each store the drill creates its own scratch source (it never touches the stacks' stores), then:

- **S3** (records tier): a versioned bucket; N objects written; the recovery point is the newest object
  version before the incident. The incident overwrites half the objects and deletes the rest (delete markers);
  the restore copies, for every key, the newest version at or before the recovery point into a NEW bucket
  (`restore_s3`).
- **DynamoDB** (tier0): a table with point-in-time recovery; N items written; `create_backup`; then both
  `restore_table_from_backup` and `restore_table_to_point_in_time` into NEW tables (`restore_dynamodb`).
- **RDS** (tier0): an instance seeded with the ledger schema and its row checksums, `create_db_snapshot`,
  `restore_db_instance_from_db_snapshot` into a NEW instance, every row verified over an IAM-authenticated TLS
  connection (`restore_rds`, the same verification as the local database drills).

Every restored S3 object and DynamoDB item is verified by SHA-256 against what was written (`records`), and
every ledger row of the restored instance against the checksums taken at seeding time; this module runs the
steps in order, declares the incident, cleans up and judges the run. The report gives records written /
restored / lost and rows lost / changed / unexpected / tables missing (a pass needs 0 of each), the RPO per
store (age of the newest recovery point at the incident) and the time to restore, judged against the tier
targets in `trustfabric.drills.common`. The drill uses each service's native backup API, never AWS Backup
restore jobs (a moto endpoint has none); the report says so per store. Everything it created is deleted unless
`keep`.

`inject_loss` / `inject_corruption` delete / overwrite restored objects, and `inject_row_loss` deletes restored
ledger rows, before verification: they prove the verifiers catch loss (the drill must then fail with that many
records or rows lost).

Usage::

    from pathlib import Path
    from trustfabric.drills.restore import RestoreOptions, run_restore

    outcome = run_restore("UK", endpoint_url="http://127.0.0.1:5000", reports_dir=Path("reports/drills"))
    assert outcome.report.measurements["records_lost"] == 0 and outcome.exit_code == 0
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from trustfabric.errors import TrustFabricError

from .common import RESTORE_TARGETS, Aws, resolve_jurisdiction
from .database.aws import Connector, ca_bundle_path
from .report import DEFAULT_REPORTS_DIR, DrillOutcome, DrillRun, Step, StepFailed, StepSkipped, iso, utc_now
from .restore_context import STORES, RestoreContext, RestoreOptions
from .restore_dynamodb import DynamoDbRestore
from .restore_rds import RdsRestore
from .restore_s3 import S3Restore

__all__ = ["DEFAULT_REPORTS_DIR", "STORES", "DrillOutcome", "RestoreDrill", "RestoreOptions", "run_restore"]

S3_TIMESTAMP_RESOLUTION_SECONDS = 1.05
"""S3 reports LastModified to the second: the incident waits this long so its versions are strictly newer."""
UNSELECTED = "not selected (--stores)"


class RestoreDrill:
    """One run of the restore drill; `run()` executes every step and returns the outcome."""

    def __init__(
        self,
        jurisdiction: str,
        aws: Aws,
        options: RestoreOptions,
        reports_dir: Path,
        echo: Callable[[str], None] | None = None,
        connector: Connector | None = None,
    ) -> None:
        cell = resolve_jurisdiction(jurisdiction)
        self.reports_dir = reports_dir
        self.run_log = DrillRun("restore", cell.code, aws.endpoint_url, echo=echo)
        drill_id = f"{utc_now().strftime('%Y%m%dt%H%M%S')}-{secrets.token_hex(3)}"
        self.context = RestoreContext(cell, aws, options, drill_id)
        self.s3 = S3Restore(self.context)
        self.dynamodb = DynamoDbRestore(self.context)
        self.rds = RdsRestore(self.context, connector)
        self.incident_at: dt.datetime | None = None
        self.incident_monotonic = 0.0

    def declare_incident(self, step: Step) -> None:
        context = self.context
        if context.selected("s3") and context.last_write_monotonic:
            gap = S3_TIMESTAMP_RESOLUTION_SECONDS - (time.monotonic() - context.last_write_monotonic)
            if gap > 0:
                time.sleep(gap)
        self.incident_at = utc_now()
        self.incident_monotonic = time.monotonic()
        step.details["incident_at"] = iso(self.incident_at)

    def cleanup(self, step: Step) -> None:
        created = self.context.created
        if self.context.options.keep:
            raise StepSkipped("--keep: " + json.dumps(created, sort_keys=True))
        errors: list[str] = []
        for store in (self.s3, self.dynamodb, self.rds):
            store.cleanup(errors)
        step.details["deleted"] = created
        if errors:
            raise StepFailed("; ".join(errors))

    def run(self) -> DrillOutcome:
        """Every step in order; a step whose prerequisite did not complete is skipped; cleanup always runs."""
        run, context, s3, dynamodb, rds = self.run_log, self.context, self.s3, self.dynamodb, self.rds
        run.measure("region", context.region)
        run.measure("drill_id", context.drill_id)
        note_prefix = (
            "AWS Backup restore job not available on this endpoint"
            if context.aws.is_custom_endpoint
            else "AWS Backup restore jobs are not exercised by this drill"
        )
        s3_steps = dynamodb_steps = rds_steps = None
        # Write and back up.
        if context.selected("s3"):
            run.note(f"{note_prefix}; used S3 object versions (versioned bucket) for the records store")
            run.step("s3: create versioned source bucket", s3.create)
            run.step("s3: write known objects", s3.write, needs=["s3: create versioned source bucket"])
            run.step("s3: recovery point (object versions)", s3.recovery_point, needs=["s3: write known objects"])
            s3_steps = "s3: recovery point (object versions)"
        if context.selected("dynamodb"):
            run.note(f"{note_prefix}; used DynamoDB native backup (create_backup) and point-in-time recovery")
            created = "dynamodb: create table with point-in-time recovery"
            run.step(created, dynamodb.create)
            run.step("dynamodb: write known items", dynamodb.write, needs=[created])
            run.step("dynamodb: create_backup", dynamodb.backup, needs=["dynamodb: write known items"])
            run.step(
                "dynamodb: point-in-time recovery window", dynamodb.pitr_window, needs=["dynamodb: write known items"]
            )
            dynamodb_steps = "dynamodb: create_backup"
        if context.selected("rds"):
            run.note(f"{note_prefix}; used the RDS native snapshot (create_db_snapshot)")
            run.step("rds: create source instance", rds.create)
            run.step("rds: seed the ledger and take row checksums", rds.seed, needs=["rds: create source instance"])
            run.step("rds: create_db_snapshot", rds.snapshot, needs=["rds: create source instance"])
            rds_steps = "rds: create_db_snapshot"
        # The incident.
        run.step("incident: declare", self.declare_incident)
        if context.selected("s3"):
            run.step("incident: overwrite and delete source objects", s3.incident, needs=[s3_steps])
        incident = self.incident_at or utc_now()
        rpo = {store: round((incident - point).total_seconds(), 3) for store, point in context.recovery_points.items()}
        # Restore into new resources and verify.
        restored_bucket = "s3: restore object versions into a new bucket"
        if context.selected("s3"):
            run.step(restored_bucket, s3.restore, needs=[s3_steps])
            faults = context.options.inject_loss + context.options.inject_corruption
            run.step(
                "fault injection: delete/corrupt restored objects",
                s3.inject_faults,
                needs=[restored_bucket],
                skip="" if faults else "no fault injection requested",
            )
            run.step("s3: verify SHA-256 of every object", s3.verify, needs=[restored_bucket])
        else:
            run.step(restored_bucket, s3.restore, skip=UNSELECTED)
        from_backup = "dynamodb: restore_table_from_backup + verify SHA-256"
        if context.selected("dynamodb"):
            run.step(from_backup, dynamodb.restore_backup, needs=[dynamodb_steps])
            run.step(
                "dynamodb: restore_table_to_point_in_time + verify SHA-256",
                dynamodb.restore_point_in_time,
                needs=["dynamodb: point-in-time recovery window"],
            )
        else:
            run.step(from_backup, dynamodb.restore_backup, skip=UNSELECTED)
        restored_instance = "rds: restore_db_instance_from_db_snapshot"
        if context.selected("rds"):
            run.step(restored_instance, rds.restore, needs=[rds_steps])
            run.step(
                "fault injection: delete restored ledger rows",
                rds.inject,
                needs=[restored_instance, "rds: seed the ledger and take row checksums"],
                skip="" if context.options.inject_row_loss else "no fault injection requested",
            )
            run.step(
                "rds: verify every ledger row (IAM token, TLS)",
                rds.verify,
                needs=[restored_instance, "rds: seed the ledger and take row checksums"],
            )
        else:
            run.step(restored_instance, rds.restore, skip=UNSELECTED)
        restore_finished = time.monotonic()
        run.step("cleanup: delete what the drill created", self.cleanup)
        return self._finish(rpo, restore_finished)

    def _times_to_restore(self) -> dict[str, float]:
        """Each store's longest time to restore (restore call to verified data), in seconds."""
        times: dict[str, float] = {}
        for name, result in self.context.verifications.items():
            store = name.split(":")[0]
            times[store] = max(times.get(store, 0.0), result.time_to_restore_seconds)
        if self.rds.time_to_restore is not None:
            times["rds"] = self.rds.time_to_restore
        return times

    def _finish(self, rpo: dict[str, float], restore_finished: float) -> DrillOutcome:
        run, context = self.run_log, self.context
        verifications = context.verifications
        written = sum(len(context.data[kind]) for kind in ("s3", "dynamodb") if context.selected(kind))
        lost = sum(result.lost for result in verifications.values())
        restored = sum(result.restored for result in verifications.values())
        run.measure("records_written", written)
        run.measure("records_expected_across_restore_targets", sum(r.written for r in verifications.values()))
        run.measure("records_restored", restored)
        run.measure("records_lost", lost)
        run.measure("restore_targets", {name: result.as_dict() for name, result in verifications.items()})
        run.measure("rpo_seconds", rpo)
        times = self._times_to_restore()
        run.measure("time_to_restore_seconds", {store: round(value, 3) for store, value in times.items()})
        if self.incident_monotonic:
            run.measure("incident_to_all_restored_seconds", round(restore_finished - self.incident_monotonic, 3))
        judged: dict[str, dict[str, Any]] = {}
        problems: list[str] = []
        for tier, target in RESTORE_TARGETS.items():
            stores = [store for store in target.stores if context.selected(store)]
            if not stores:
                continue
            tier_rpo = max((rpo[store] for store in stores if store in rpo), default=None)
            tier_rto = max((times[store] for store in stores if store in times), default=None)
            rpo_ok = tier_rpo is not None and tier_rpo <= target.rpo_seconds
            rto_ok = tier_rto is not None and tier_rto <= target.rto_seconds
            judged[tier] = {
                "stores": stores,
                "rpo_seconds": tier_rpo,
                "rpo_target_seconds": target.rpo_seconds,
                "rpo_met": rpo_ok,
                "rto_seconds": None if tier_rto is None else round(tier_rto, 3),
                "rto_target_seconds": target.rto_seconds,
                "rto_met": rto_ok,
            }
            if not rpo_ok:
                problems.append(f"{tier} RPO {tier_rpo}s not within {target.rpo_seconds}s")
            if not rto_ok:
                problems.append(f"{tier} time to restore {tier_rto}s not within {target.rto_seconds}s")
        run.measure("tiers", judged)
        run.note(
            "RTO per tier is the longest time to restore of its stores (restore call to verified data); the "
            "drill restores stores one after another, so incident_to_all_restored_seconds is the serial total"
        )
        rows = self.rds.rows
        if context.selected("rds"):
            run.measure("rows", None if rows is None else rows.as_dict())
            if rows is not None:
                run.measure("rows_lost", rows.rows_lost)
                run.measure("rows_changed", rows.rows_changed)
                run.measure("rows_unexpected", rows.rows_unexpected)
                run.measure("tables_missing", rows.tables_missing)
                if not rows.ok:
                    problems.insert(0, rows.summary())
            else:
                run.note("rds: ledger rows not verified (see the seeding step)")
        if lost:
            problems.insert(0, f"{lost} record(s) lost")
        if run.failure_summary:
            problems.append(run.failure_summary)
        parts = [f"{restored} records"] if verifications else []
        if rows is not None:
            parts.append(f"{sum(table.actual_rows or 0 for table in rows.tables.values())} ledger rows")
        verified = " and ".join(parts) or "nothing"
        success = f"{verified} restored and verified by SHA-256, 0 lost; RPO and time to restore within targets"
        return run.conclude(problems, success, self.reports_dir)


def run_restore(
    jurisdiction: str,
    endpoint_url: str | None = None,
    *,
    options: RestoreOptions | None = None,
    reports_dir: Path = DEFAULT_REPORTS_DIR,
    echo: Callable[[str], None] | None = None,
    aws: Aws | None = None,
    connector: Connector | None = None,
) -> DrillOutcome:
    """Run the restore drill for a jurisdiction's primary region; the report is written to `reports_dir`.

    `connector` opens the RDS drill's database connections (default: libpq to the endpoint itself)."""
    options = options or RestoreOptions()
    cell = resolve_jurisdiction(jurisdiction)
    unknown = sorted(set(options.stores) - set(STORES))
    if unknown or not options.stores:
        raise TrustFabricError(
            f"--stores: unknown store(s) {', '.join(unknown) or '(none)'}; allowed: {', '.join(STORES)}"
        )
    if options.objects < 1 or options.items < 1:
        raise TrustFabricError("--objects and --items must be at least 1")
    if options.inject_loss < 0 or options.inject_corruption < 0:
        raise TrustFabricError("--inject-loss and --inject-corruption must be 0 or more")
    if options.inject_loss + options.inject_corruption > options.objects:
        raise TrustFabricError("--inject-loss + --inject-corruption cannot exceed --objects")
    if not 1 <= options.ledger_rows < 1_000_000 or not 0 <= options.inject_row_loss <= 3 * options.ledger_rows:
        raise TrustFabricError("--ledger-entries must be 1 to 999999 and --inject-row-loss 0 to 3 x --ledger-entries")
    aws = aws or Aws.connect(endpoint_url, probe_region=cell.primary_region)
    if "rds" in options.stores and (connector is not None or not aws.is_custom_endpoint):
        ca_bundle_path(options.ca_bundle)
    return RestoreDrill(jurisdiction, aws, options, reports_dir, echo=echo, connector=connector).run()
