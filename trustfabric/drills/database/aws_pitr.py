"""`drill aws-pitr`: the point-in-time restore drill on AWS, measured the way the local PITR drill measures it.

On a scratch Aurora PostgreSQL cluster the drill creates in the cell's primary region (IAM database
authentication on; the master credentials in a Secrets Manager secret it creates):

1. seed the ledger schema over TLS `verify-full` with those credentials, create the read-only drill login
   (`ledger_drill`, granted `rds_iam`; its username in a second secret) and take the row checksums;
2. commit `commits` acknowledged ledger transactions (client-side commit log), take the **target time**
   after the last acknowledgement, then commit `after_target` more (they must not come back);
3. wait until the cluster's `LatestRestorableTime` covers the target;
4. `RestoreDBClusterToPointInTime` into a NEW cluster, a writer instance, an IAM-token TLS login as
   `ledger_drill` and the local drills' verification (`aws.restore_cluster_to_point_in_time`): every seeded
   row, every acknowledged transaction before the target present, none sent after it.

The **achieved RPO** is the target minus the acknowledgement time of the newest transaction recovered; the
RTO runs from the target (the "incident") to verified rows; both are judged against tier0's restore
objectives (`RecoveryResult`). The report is the PITR drill's (`drill: pitr`, `environment: aws`): the
quarterly report reads it like the local one. Everything created is deleted unless `keep`.

An Aurora restore can outlast a CI job, so the drill also runs in two parts: `start()` runs steps 1-3 and
asks for the restore (`aws.request_restore`), recording the request in the account
(`aws_pitr_request`); `finish_pending()` (a later job) waits, bounded, for the restored cluster, adds its
writer, verifies as in step 4 (the RTO from the target time, by the wall clock) and deletes everything both
parts created. A restore still not available when the finish's wait ends stays recorded for the next
`finish_pending()`.

`connector` opens every database connection; tests map the endpoints onto a local PostgreSQL.

Usage::

    drill = AwsPitrDrill("UK", Aws.connect(), AwsPitrOptions(ca_bundle="rds-global-bundle.pem"), Path("reports"))
    outcome = drill.run()
    assert outcome.report.measurements["acknowledged_missing"] == 0

    started = run_aws_pitr("UK", options=options).start()          # job 1: started.request is recorded
    finished = AwsPitrFinish("UK", Aws.connect(), options).finish_pending()   # job 2 (later)
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from domain.naming import drill_prefix
from trustfabric.errors import TrustFabricError

from ..common import Aws, poll, resolve_jurisdiction
from ..report import DEFAULT_REPORTS_DIR, DrillOutcome, DrillRun, Step, StepFailed, StepSkipped, iso, utc_now
from .aws import (
    ClusterRestore,
    Connector,
    add_writer,
    ca_bundle_path,
    request_restore,
    restore_cluster_to_point_in_time,
    restored_cluster,
    secret_endpoint,
    verify_restored,
)
from .aws_pitr_request import PitrRequest, forget, pending, request_name, save
from .checksums import LedgerChecksums, take_checksums
from .commits import CommitLog, write_commits
from .endpoint import connect
from .ledger import DRILL_USER, STREAM_FIRST_ID, create_schema, grant_drill_user, seed_ledger
from .results import RecoveryResult, write_report

MASTER_USER = "drill_admin"
ENGINE = "aurora-postgresql"
RESTORE_STEP = "restore: RestoreDBClusterToPointInTime into a new cluster + verify rows and transactions (IAM, TLS)"
REQUEST_STEP = "restore: RestoreDBClusterToPointInTime into a new cluster, requested (verified by --finish)"
FINISH_STEP = "restore: a writer in the restored cluster + verify rows and transactions (IAM, TLS)"
SUCCESS = "every row and every acknowledged transaction before the target recovered, none after it"
RPO_RTO_NOTE = (
    "RPO: the target time minus the acknowledgement of the newest transaction recovered; RTO: the target "
    "time to every row and transaction verified on the restored cluster"
)


def _conclude(run: DrillRun, result: RecoveryResult | None, reports_dir: Path) -> DrillOutcome:
    """The report of a finished (or failed) drill: the result's measurements and problems, written."""
    problems: list[str] = []
    if result is not None:
        for key, value in result.measurements().items():
            run.measure(key, value)
        problems += result.problems()
    run.note(RPO_RTO_NOTE)
    if run.failure_summary:
        problems.append(run.failure_summary)
    report = run.finish(not problems, "; ".join(problems) if problems else SUCCESS)
    json_path, markdown_path = write_report(report, reports_dir, result.rows if result else None)
    return DrillOutcome(report, json_path, markdown_path)


@dataclass(frozen=True)
class AwsPitrStarted:
    """What `start()` did: the recorded request, or (a step failed) the failed drill's report."""

    request: PitrRequest | None
    outcome: DrillOutcome | None


@dataclass(frozen=True)
class AwsPitrOptions:
    """How the AWS point-in-time restore drill seeds, writes and restores."""

    entries: int = 100
    """Seeded journal entries (3 lines each)."""
    commits: int = 20
    """Acknowledged transactions before the target time."""
    after_target: int = 5
    """Transactions committed after the target time (a correct restore leaves them out)."""
    ca_bundle: str | None = None
    """RDS CA bundle for TLS verify-full (default `$TRUSTFABRIC_RDS_CA_BUNDLE`)."""
    instance_class: str = "db.r6g.large"
    timeout_seconds: float = 3 * 3600
    """Longest wait for each cluster and instance (`finish_pending`: for the restored cluster)."""
    keep: bool = False


class AwsPitrDrill:
    """One run of the AWS point-in-time restore drill; `run()` returns the outcome."""

    def __init__(
        self,
        jurisdiction: str,
        aws: Aws,
        options: AwsPitrOptions,
        reports_dir: Path = DEFAULT_REPORTS_DIR,
        echo: Callable[[str], None] | None = None,
        connector: Connector | None = None,
    ) -> None:
        self.cell = resolve_jurisdiction(jurisdiction)
        self.aws, self.options, self.reports_dir = aws, options, reports_dir
        self.region = self.cell.primary_region
        self.run_log = DrillRun("pitr", self.cell.code, aws.endpoint_url, echo=echo)
        drill_id = f"{utc_now().strftime('%Y%m%dt%H%M%S')}-{secrets.token_hex(3)}"
        self.prefix = drill_prefix(self.cell.code, drill_id)
        self.source = f"{self.prefix}-pitr-src"
        self.master_secret = f"{self.prefix}-pitr-master"
        self.drill_secret = f"{self.prefix}-pitr-drill"
        self.connector = connector or connect
        self.rds = aws.client("rds", self.region)
        self.secrets = aws.client("secretsmanager", self.region)
        self.created: dict[str, list[str]] = {"clusters": [], "instances": [], "secrets": []}
        self.checksums: LedgerChecksums | None = None
        self.log = CommitLog()
        self.target_time: dt.datetime | None = None
        """The recovery target, set once the acknowledged transactions before it are written."""
        self.target_clock = 0.0
        self.result: RecoveryResult | None = None

    def _secret(self, name: str, value: dict[str, str]) -> None:
        self.secrets.create_secret(
            Name=name, SecretString=json.dumps(value), Tags=[{"Key": "purpose", "Value": "pitr-drill"}]
        )
        self.created["secrets"].append(name)

    def _wait(self, check: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + self.options.timeout_seconds
        while not check():
            if time.monotonic() >= deadline:
                raise StepFailed(f"{what} not reached within {self.options.timeout_seconds:.0f}s")
            time.sleep(self.aws.wait_delay(30))

    def _cluster(self) -> dict[str, Any]:
        return dict(self.rds.describe_db_clusters(DBClusterIdentifier=self.source)["DBClusters"][0])

    def create_source(self, step: Step) -> None:
        password = secrets.token_urlsafe(24)
        self._secret(self.master_secret, {"username": MASTER_USER, "password": password})
        self.rds.create_db_cluster(
            DBClusterIdentifier=self.source,
            Engine=ENGINE,
            MasterUsername=MASTER_USER,
            MasterUserPassword=password,
            DatabaseName="ledger",
            EnableIAMDatabaseAuthentication=True,
            StorageEncrypted=True,
            BackupRetentionPeriod=1,
            Tags=[{"Key": "purpose", "Value": "pitr-drill"}, {"Key": "jurisdiction", "Value": self.cell.code}],
        )
        self.created["clusters"].append(self.source)
        writer = f"{self.source}-writer"
        self.rds.create_db_instance(
            DBInstanceIdentifier=writer,
            DBClusterIdentifier=self.source,
            Engine=ENGINE,
            DBInstanceClass=self.options.instance_class,
        )
        self.created["instances"].append(writer)
        self._wait(lambda: self._cluster()["Status"] == "available", f"cluster {self.source} available")
        self.rds.get_waiter("db_instance_available").wait(
            DBInstanceIdentifier=writer,
            WaiterConfig={"Delay": self.aws.wait_delay(30), "MaxAttempts": 360},
        )
        step.details.update(cluster=self.source, writer=writer, credentials=f"Secrets Manager {self.master_secret}")

    def _source_connection(self) -> tuple[Any, str]:
        cluster = self._cluster()
        endpoint = secret_endpoint(
            self.aws,
            self.region,
            cluster["Endpoint"],
            int(cluster["Port"]),
            "ledger",
            self.master_secret,
            self.options.ca_bundle,
        )
        return self.connector(endpoint), endpoint.describe()

    def seed(self, step: Step) -> None:
        connection, described = self._source_connection()
        try:
            create_schema(connection)
            summary = seed_ledger(connection, self.cell.code, seed=7, entries=self.options.entries)
            grant_drill_user(connection)
            self.checksums = take_checksums(connection, source=described)
        finally:
            connection.close()
        self._secret(self.drill_secret, {"username": DRILL_USER})
        step.details.update(database=described, seeded=summary.rows, drill_user=DRILL_USER)

    def stream(self, step: Step) -> None:
        connection, _ = self._source_connection()
        first, before = STREAM_FIRST_ID, self.options.commits
        try:
            write_commits(connection, self.log, range(first, first + before))
            self.target_time = utc_now()
            self.target_clock = time.monotonic()
            time.sleep(0.01)  # what is sent from here on is strictly after the target
            write_commits(connection, self.log, range(first + before, first + before + self.options.after_target))
        finally:
            connection.close()
        step.details.update(
            acknowledged_before_target=before,
            committed_after_target=self.options.after_target,
            target_time=iso(self.target_time),
        )

    def restorable(self, step: Step) -> None:
        target = self.target_time
        assert target is not None

        def covered() -> bool:
            latest = self._cluster().get("LatestRestorableTime")
            return latest is not None and latest >= target

        self._wait(covered, f"LatestRestorableTime of {self.source} at {iso(target)}")
        step.details["latest_restorable_time"] = iso(self._cluster()["LatestRestorableTime"])

    def restore(self, step: Step) -> None:
        assert self.target_time is not None and self.checksums is not None
        request = self._restore_request(f"{self.prefix}-pitr")
        self.result = restore_cluster_to_point_in_time(
            self.aws,
            request,
            expected=self.checksums,
            log=self.log,
            incident_clock=self.target_clock,
            connector=self.connector,
        )
        step.details.update(restored_cluster=request.target_cluster, database=self.result.endpoint)
        problems = self.result.problems()
        if problems:
            raise StepFailed("; ".join(problems))

    def cleanup(self, step: Step) -> None:
        if self.options.keep:
            raise StepSkipped("--keep: " + json.dumps(self.created, sort_keys=True))
        for instance in self.created["instances"]:
            try:
                self.rds.delete_db_instance(DBInstanceIdentifier=instance, SkipFinalSnapshot=True)
            except self.rds.exceptions.DBInstanceNotFoundFault:
                continue  # the restored writer: only --finish adds it
            self.rds.get_waiter("db_instance_deleted").wait(
                DBInstanceIdentifier=instance, WaiterConfig={"Delay": self.aws.wait_delay(30), "MaxAttempts": 120}
            )
        for cluster in self.created["clusters"]:
            self.rds.delete_db_cluster(DBClusterIdentifier=cluster, SkipFinalSnapshot=True)
        for name in self.created["secrets"]:
            self.secrets.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)
        step.details["deleted"] = self.created

    def run(self) -> DrillOutcome:
        """The whole drill in one go: source, restore, verification, cleanup."""
        covered = self._source_steps()
        self.run_log.step(RESTORE_STEP, self.restore, needs=[covered])
        self.run_log.step("cleanup: delete what the drill created", self.cleanup)
        return _conclude(self.run_log, self.result, self.reports_dir)

    def _source_steps(self) -> str:
        run = self.run_log
        run.measure("region", self.region)
        created = "source: scratch Aurora PostgreSQL cluster (IAM authentication)"
        seeded = "source: seed the ledger and take row checksums"
        streamed = "source: acknowledged transactions, the target time, transactions after it"
        covered = "wait: the target within the restorable window"
        run.step(created, self.create_source)
        run.step(seeded, self.seed, needs=[created])
        run.step(streamed, self.stream, needs=[seeded])
        run.step(covered, self.restorable, needs=[streamed])
        return covered

    def request(self, step: Step) -> PitrRequest:
        """Ask for the restore and record it in the account for `finish_pending`."""
        assert self.target_time is not None and self.checksums is not None
        target = f"{self.prefix}-pitr"
        restore = self._restore_request(target)
        request_restore(self.rds, restore)
        self.created["clusters"].append(target)
        self.created["instances"].append(restore.writer_instance)  # added by --finish; deleted with the rest
        name = request_name(self.prefix)
        seeded = self.run_log.get("source: seed the ledger and take row checksums")
        covered = self.run_log.get("wait: the target within the restorable window")
        record = PitrRequest(
            name=name,
            jurisdiction=self.cell.code,
            region=self.region,
            source_cluster=self.source,
            target_cluster=target,
            restore_time=self.target_time,
            requested_at=utc_now(),
            drill_secret=self.drill_secret,
            instance_class=self.options.instance_class,
            checksums=self.checksums,
            log=self.log,
            created={**self.created, "secrets": [*self.created["secrets"], name]},
            started={
                "seeded": seeded.details.get("seeded") if seeded else None,
                "latest_restorable_time": covered.details.get("latest_restorable_time") if covered else None,
            },
        )
        save(self.secrets, record)
        self.created["secrets"].append(name)
        step.details.update(restored_cluster=target, request=name, target_time=iso(self.target_time))
        return record

    def start(self) -> AwsPitrStarted:
        """Steps 1-3 and the restore request; on a failure, delete what was created and report the failure."""
        run = self.run_log
        covered = self._source_steps()
        record = run.step(REQUEST_STEP, self.request, needs=[covered])
        if record is not None and not run.failed_steps:
            return AwsPitrStarted(record, None)
        run.step("cleanup: delete what the drill created", self.cleanup)
        return AwsPitrStarted(None, _conclude(run, None, self.reports_dir))

    def _restore_request(self, target: str) -> ClusterRestore:
        assert self.target_time is not None
        return ClusterRestore(
            source_cluster=self.source,
            target_cluster=target,
            restore_time=self.target_time,
            region=self.region,
            secret_id=self.drill_secret,
            ca_bundle=self.options.ca_bundle,
            instance_class=self.options.instance_class,
            tags={"jurisdiction": self.cell.code},
            timeout_seconds=self.options.timeout_seconds,
            keep=self.options.keep,
        )


@dataclass(frozen=True)
class AwsPitrPending:
    """A recorded restore still not available when `finish_pending` stopped waiting (it stays recorded)."""

    request: PitrRequest
    status: str
    waited_seconds: float


class AwsPitrFinish:
    """The second part of a started drill: every recorded request of the cell, waited for (bounded), verified,
    reported and deleted."""

    def __init__(
        self,
        jurisdiction: str,
        aws: Aws,
        options: AwsPitrOptions,
        reports_dir: Path = DEFAULT_REPORTS_DIR,
        echo: Callable[[str], None] | None = None,
        connector: Connector | None = None,
    ) -> None:
        self.cell = resolve_jurisdiction(jurisdiction)
        self.aws, self.options, self.reports_dir, self.echo = aws, options, reports_dir, echo
        self.region = self.cell.primary_region
        self.connector = connector or connect
        self.rds = aws.client("rds", self.region)
        self.secrets = aws.client("secretsmanager", self.region)

    def finish_pending(self) -> list[DrillOutcome | AwsPitrPending]:
        """One entry per recorded request, oldest first: its report, or that it is still restoring."""
        return [self.finish(request) for request in pending(self.secrets, self.cell.code)]

    def _restore(self, request: PitrRequest) -> ClusterRestore:
        return ClusterRestore(
            source_cluster=request.source_cluster,
            target_cluster=request.target_cluster,
            restore_time=request.restore_time,
            region=request.region,
            secret_id=request.drill_secret,
            ca_bundle=self.options.ca_bundle,
            instance_class=request.instance_class,
            timeout_seconds=self.options.timeout_seconds,
        )

    def _status(self, restore: ClusterRestore) -> str:
        try:
            return str(restored_cluster(self.rds, restore)["Status"])
        except self.rds.exceptions.DBClusterNotFoundFault:
            return "not found"

    def finish(self, request: PitrRequest) -> DrillOutcome | AwsPitrPending:
        restore = self._restore(request)
        began = time.monotonic()
        if not poll(
            lambda: self._status(restore) in ("available", "not found"),
            self.options.timeout_seconds,
            self.aws.wait_delay(60),
        ):
            return AwsPitrPending(request, self._status(restore), time.monotonic() - began)
        run = DrillRun("pitr", self.cell.code, self.aws.endpoint_url, echo=self.echo)
        run.measure("region", self.region)
        run.measure("requested", {"request": request.name, "at": iso(request.requested_at), **request.started})
        result: list[RecoveryResult] = []

        def verify(step: Step) -> None:
            if self._status(restore) == "not found":
                raise StepFailed(f"restored cluster {restore.target_cluster} not found: deleted, or never created")
            restored = add_writer(self.aws, restore)
            outcome = verify_restored(
                self.aws,
                restore,
                restored,
                expected=request.checksums,
                log=request.log,
                rto_seconds=lambda: (utc_now() - request.restore_time).total_seconds(),
                connector=self.connector,
            )
            result.append(outcome)
            step.details.update(
                restored_cluster=restore.target_cluster, database=outcome.endpoint, request=request.name
            )
            problems = outcome.problems()
            if problems:
                raise StepFailed("; ".join(problems))

        run.step(FINISH_STEP, verify)
        run.step("cleanup: delete what the drill created", lambda step: self.cleanup(request, step))
        return _conclude(run, result[0] if result else None, self.reports_dir)

    def cleanup(self, request: PitrRequest, step: Step) -> None:
        """Delete the restored and source clusters, their instances and the drill's secrets (unless `keep`: then
        only the request record, which is finished)."""
        if self.options.keep:
            forget(self.secrets, request.name)
            raise StepSkipped("--keep: " + json.dumps(request.created, sort_keys=True))
        waiter = {"Delay": self.aws.wait_delay(30), "MaxAttempts": 120}
        for instance in request.created.get("instances", []):
            try:
                self.rds.delete_db_instance(DBInstanceIdentifier=instance, SkipFinalSnapshot=True)
            except self.rds.exceptions.DBInstanceNotFoundFault:
                continue  # the writer --finish adds is absent when the restore never became available
            self.rds.get_waiter("db_instance_deleted").wait(DBInstanceIdentifier=instance, WaiterConfig=waiter)
        for cluster in request.created.get("clusters", []):
            try:
                self.rds.delete_db_cluster(DBClusterIdentifier=cluster, SkipFinalSnapshot=True)
            except self.rds.exceptions.DBClusterNotFoundFault:
                continue
        for name in request.created.get("secrets", []):
            self.secrets.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)
        step.details["deleted"] = request.created


def run_aws_pitr(
    jurisdiction: str,
    endpoint_url: str | None = None,
    *,
    options: AwsPitrOptions | None = None,
    reports_dir: Path = DEFAULT_REPORTS_DIR,
    echo: Callable[[str], None] | None = None,
    aws: Aws | None = None,
    connector: Connector | None = None,
) -> AwsPitrDrill:
    """Check the input and build the drill (call `.run()`); TrustFabricError (exit 2) for bad input."""
    options = options or AwsPitrOptions()
    cell = resolve_jurisdiction(jurisdiction)
    if not 1 <= options.entries < STREAM_FIRST_ID or options.commits < 1 or options.after_target < 0:
        raise TrustFabricError("--entries must be 1 to 999999, --commits at least 1 and --after-target 0 or more")
    if options.timeout_seconds < 0:
        raise TrustFabricError("--wait-minutes must be 0 or more")
    ca_bundle_path(options.ca_bundle)
    aws = aws or Aws.connect(endpoint_url, probe_region=cell.primary_region)
    return AwsPitrDrill(jurisdiction, aws, options, reports_dir, echo=echo, connector=connector)


def run_aws_pitr_finish(
    jurisdiction: str,
    endpoint_url: str | None = None,
    *,
    options: AwsPitrOptions | None = None,
    reports_dir: Path = DEFAULT_REPORTS_DIR,
    echo: Callable[[str], None] | None = None,
    aws: Aws | None = None,
    connector: Connector | None = None,
) -> AwsPitrFinish:
    """Check the input and build the finishing part (call `.finish_pending()`); TrustFabricError for bad input."""
    options = options or AwsPitrOptions()
    cell = resolve_jurisdiction(jurisdiction)
    if options.timeout_seconds < 0:
        raise TrustFabricError("--wait-minutes must be 0 or more")
    ca_bundle_path(options.ca_bundle)
    aws = aws or Aws.connect(endpoint_url, probe_region=cell.primary_region)
    return AwsPitrFinish(jurisdiction, aws, options, reports_dir, echo=echo, connector=connector)


__all__ = [
    "AwsPitrDrill",
    "AwsPitrFinish",
    "AwsPitrOptions",
    "AwsPitrPending",
    "AwsPitrStarted",
    "run_aws_pitr",
    "run_aws_pitr_finish",
]
