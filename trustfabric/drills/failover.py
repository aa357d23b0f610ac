"""`drill failover` / `drill failback`: move a jurisdiction cell to its standby region and back, and time it.

Failover, in the order the architecture requires (never depending on the failed region's control plane):

1. **Readiness** (read-only): the ledger table's replica (or same-named table) is ACTIVE in the standby
   region; the records bucket replicates to the standby region's bucket (versioned); recent recovery points
   exist in the standby region (DynamoDB point-in-time recovery and backups); the ledger database has a
   replica in the standby region (RDS read replica or Aurora global cluster member); Route53 health checks
   exist for both failover records and the standby's reports healthy. With `primary_down` the checks that call
   the primary region are skipped (the region is declared lost), and the drill proceeds on the standby region
   and Route53 alone.
2. **Data plane**: one Route53 change batch UPSERTs the failover records so the standby region's record is
   PRIMARY (and the failed region's SECONDARY); the drill waits for INSYNC and verifies with the hosted zone's
   record sets that the answering record is the standby region's endpoint, and that its health check is
   healthy.
3. **Promotion** where the API allows: `promote_read_replica` for the RDS read replica;
   `failover_global_cluster` (primary down) or `switchover_global_cluster` for an Aurora global cluster
   (skipped with the reason where the endpoint does not implement it, as moto); DynamoDB global tables and S3
   replicas need no promotion (said so).
4. **Verification** that the standby stores serve and, for the ledger database, the **data-loss figure**:
   acknowledged transactions written to the writer before the cut and missing on the promoted database, and
   every seeded row (`failover_data`, the local drill's code path), then the measured RTO (drill start to stores serving) per
   tier against the tiers' failover targets (`FAILOVER_TARGETS`), and the exact reconcile step for the
   operator: `pulumi config set trust-fabric:role active -s dr && pulumi up -s dr` (the drill never runs it).

The steps live by phase: `readiness`, `traffic` (the data plane), `promotion`; they share a `FailoverState`.
This module runs them in order and judges the run.

Failback reverses it: readiness of the primary region, the records back to PRIMARY = primary region, the
database replica re-established from the primary (a final snapshot of the standby writer is kept), and the
reconcile `pulumi config set trust-fabric:role standby -s dr && pulumi up -s dr && pulumi preview -s prod`.

Usage::

    from trustfabric.drills.failover import FailoverOptions, run_failover

    outcome = run_failover("UK", endpoint_url="http://127.0.0.1:5000", options=FailoverOptions(seed=True))
    print(outcome.report.measurements["rto_seconds"], outcome.exit_code)
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from trustfabric.errors import TrustFabricError

from .common import FAILOVER_TARGETS, RECONCILE_FAILBACK, RECONCILE_FAILOVER, Aws, resolve_jurisdiction
from .database.aws import Connector, ca_bundle_path
from .failover_data import (
    data_loss_measurements,
    data_loss_result,
    ready_drill_login,
    skip_reason,
    verify_acknowledged,
    write_acknowledged,
)
from .failover_state import DIRECTIONS, FailoverOptions, FailoverState
from .promotion import (
    promote_bucket,
    promote_database,
    promote_global_cluster,
    promote_table,
    reestablish_replica,
    verify_stores,
)
from .readiness import ready_bucket, ready_database, ready_recovery_points, ready_routing, ready_table
from .report import DEFAULT_REPORTS_DIR, DrillOutcome, DrillRun
from .seed import seed_environment
from .traffic import move_traffic, verify_traffic

__all__ = ["FAILOVER_TARGETS", "FailoverDrill", "FailoverOptions", "run_failback", "run_failover"]


class FailoverDrill:
    """One failover (`direction="failover"`) or failback (`direction="failback"`) run."""

    def __init__(
        self,
        jurisdiction: str,
        aws: Aws,
        options: FailoverOptions,
        reports_dir: Path,
        direction: str = "failover",
        echo: Callable[[str], None] | None = None,
        connector: Connector | None = None,
    ) -> None:
        cell = resolve_jurisdiction(jurisdiction)
        self.reports_dir = reports_dir
        self.run_log = DrillRun(direction, cell.code, aws.endpoint_url, echo=echo)
        self.state = FailoverState(cell, aws, options, direction, self.run_log, connector)

    def run(self) -> DrillOutcome:
        run, state = self.run_log, self.state
        target, failover = state.target, state.direction == "failover"
        run.measure("source_region", state.source)
        run.measure("target_region", target)
        run.measure("primary_down", state.options.primary_down)
        replica = "replica" if failover else "writer"
        readiness = {
            f"readiness: ledger table in {target}": ready_table,
            f"readiness: records bucket (replicated) in {target}": ready_bucket,
            f"readiness: recent recovery points in {target}": ready_recovery_points,
            f"readiness: ledger database {replica} in {target}": ready_database,
            "readiness: route53 health checks and failover records": ready_routing,
        }
        for name, check in readiness.items():
            run.step(name, partial(check, state))
        # The drill's database login, checked before anything moves (skipped with the data-loss steps).
        login = f"readiness: ledger database login in {state.source}"
        run.step(login, partial(ready_drill_login, state))
        gates = [*readiness, *([] if skip_reason(state) else [login])]
        written = f"data: acknowledged transactions on the ledger writer in {state.source}"
        run.step(written, partial(write_acknowledged, state), needs=gates)
        moved = f"data plane: route53 failover records UPSERT (PRIMARY -> {target})"
        run.step(moved, partial(move_traffic, state), needs=gates)
        run.step(
            "data plane: verify answering record in the hosted zone", partial(verify_traffic, state), needs=[moved]
        )
        if failover:
            run.step(f"promote: rds read replica in {target}", partial(promote_database, state), needs=[moved])
            cluster = f"promote: aurora global cluster to {target}"
            run.step(cluster, partial(promote_global_cluster, state), needs=[moved])
            run.step("promote: dynamodb global table replica", partial(promote_table, state), needs=[moved])
            run.step("promote: s3 records bucket replica", partial(promote_bucket, state), needs=[moved])
        else:
            cluster = f"failback: aurora global cluster to {target}"
            run.step(cluster, partial(promote_global_cluster, state), needs=[moved])
        serving = f"verify: stores serve in {target}"
        run.step(serving, partial(verify_stores, state), needs=[moved])
        run.step(
            f"data: acknowledged transactions and rows on the promoted database in {target}",
            partial(verify_acknowledged, state),
            needs=[serving],
        )
        if not failover:
            run.step(
                f"failback: re-create the read replica in {state.names.standby}",
                partial(reestablish_replica, state),
                needs=[serving],
                skip=state.source_lost(),
            )
        return self._finish()

    def _finish(self) -> DrillOutcome:
        run, state = self.run_log, self.state
        rto: dict[str, dict[str, Any]] = {}
        problems: list[str] = []
        traffic = state.serving_at.get("traffic")
        for tier, target in FAILOVER_TARGETS.items():
            times = [state.serving_at.get(store) for store in target.stores]
            measured_parts = [t for t in times if t is not None]
            # A tier serves once its stores serve and traffic reaches the standby region.
            complete = traffic is not None and all(t is not None for t in times)
            measured = max([*measured_parts, traffic]) if complete and traffic is not None else None
            met = measured is not None and measured <= target.rto_seconds
            rto[tier] = {
                "rto_seconds": None if measured is None else round(measured, 3),
                "rto_target_seconds": target.rto_seconds,
                "rto_met": met,
                "rpo_target_seconds": target.rpo_seconds,
            }
            if not met:
                problems.append(
                    f"{tier} RTO {'not reached' if measured is None else f'{measured:.1f}s'} "
                    f"(target {target.rto_seconds}s)"
                )
        run.measure("rto_seconds", rto)
        loss = data_loss_result(state, rto.get("tier0", {}).get("rto_seconds"))
        if loss is not None:
            fields, data_problems = data_loss_measurements(loss)
            for key, value in fields.items():
                run.measure(key, value)
            problems += data_problems
        if state.recovery_point_age is not None:
            run.measure("standby_recovery_point_age_seconds", round(state.recovery_point_age, 3))
        run.note(
            "RTO is measured from the start of the drill (readiness included) to traffic answering from "
            f"{state.target} and each tier's stores serving there"
        )
        run.note(
            "Traffic moves with one Route53 UPSERT of the failover records (Route53's global API), "
            f"never with a call to {state.source}"
        )
        if run.failure_summary:
            problems.insert(0, run.failure_summary)
        reconcile = RECONCILE_FAILOVER if state.direction == "failover" else RECONCILE_FAILBACK
        success = f"traffic answers from {state.target}; every tier within its RTO target"
        if loss is not None and loss.commits is not None:
            success += f"; {len(loss.commits.missing)} acknowledged transaction(s) lost, within tier0's RPO"
        return run.conclude(problems, success, self.reports_dir, next_steps=[reconcile])


def run_failover(
    jurisdiction: str,
    endpoint_url: str | None = None,
    *,
    options: FailoverOptions | None = None,
    reports_dir: Path = DEFAULT_REPORTS_DIR,
    direction: str = "failover",
    echo: Callable[[str], None] | None = None,
    aws: Aws | None = None,
    connector: Connector | None = None,
) -> DrillOutcome:
    """Run the failover (or with `direction="failback"` the failback) drill; report into `reports_dir`.

    `connector` opens the ledger database connections (default: libpq to the endpoint itself)."""
    options = options or FailoverOptions()
    cell = resolve_jurisdiction(jurisdiction)
    if direction not in DIRECTIONS:
        raise TrustFabricError(f"direction {direction!r}; allowed: {', '.join(DIRECTIONS)}")
    if direction == "failback" and options.primary_down:
        raise TrustFabricError("--primary-down applies to failover only: failback needs the primary region")
    target = cell.standby_region if direction == "failover" else cell.primary_region
    if options.commits < 1:
        raise TrustFabricError("--commits must be at least 1")
    aws = aws or Aws.connect(endpoint_url, probe_region=target)
    if not options.primary_down and (connector is not None or not aws.is_custom_endpoint):
        ca_bundle_path(options.ca_bundle)
    if options.seed:
        seeded = seed_environment(jurisdiction, aws=aws, echo=echo)
        if not seeded.passed:
            raise TrustFabricError(f"--seed failed: {seeded.verdict}")
    drill = FailoverDrill(jurisdiction, aws, options, reports_dir, direction=direction, echo=echo, connector=connector)
    return drill.run()


def run_failback(
    jurisdiction: str,
    endpoint_url: str | None = None,
    *,
    options: FailoverOptions | None = None,
    reports_dir: Path = DEFAULT_REPORTS_DIR,
    echo: Callable[[str], None] | None = None,
    aws: Aws | None = None,
    connector: Connector | None = None,
) -> DrillOutcome:
    """The reverse of `run_failover`: traffic and the writer back to the primary region."""
    return run_failover(
        jurisdiction,
        endpoint_url,
        options=options,
        reports_dir=reports_dir,
        direction="failback",
        echo=echo,
        aws=aws,
        connector=connector,
    )
