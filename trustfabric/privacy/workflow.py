"""One erasure request end to end, and its state afterwards.

`erase` locates the subject's records in the cell's stores (`trustfabric.privacy.stores`, read-only), decides per
record with `domain.retention.erasure_action` (a statutory record inside its retention is held under a legal hold
until the day it ends, naming the statute; anything else is erased, or pseudonymised where the store keeps the
row), and starts one execution of the cell's erasure state machine with that plan
(`components.governance.erasure_definition`): the execution makes every change and records the request in the
ledger. When it ends, `erase` writes the erasure certificate (JSON, with its SHA-256) into the reports folder and
the ledger, and returns the outcome: exit 0 when every record was dealt with, 1 when an action (or the execution)
failed. `status` reads a request back.

Usage::

    outcome = erase(ErasureRequest(jurisdiction="UK", subject_id="cust-42"), endpoint_url=url, reports_dir=path)
    print(outcome.summary_lines())
    entry = status("UK", outcome.entry.request_id, endpoint_url=url)
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from components.governance.erasure_definition import FAILED, execution_input
from domain.naming import PRIMARY_DEPLOYMENT, erasure_ledger_table_name, ledger_table_name, records_bucket_name
from domain.retention import erasure_action
from trustfabric.drills.common import Aws, resolve_jurisdiction
from trustfabric.errors import TrustFabricError
from trustfabric.privacy.execution import StateMachine
from trustfabric.privacy.ledger import ErasureLedger, LedgerEntry, subject_digest
from trustfabric.privacy.stores import LedgerTableStore, Located, RecordsBucketStore, Store

SUBJECT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
"""An opaque id: it becomes part of object keys, which reach the access logs (ADR 0006); never an email."""
REQUEST_ID = re.compile(r"^er-[0-9a-z-]{6,60}$")
DEFAULT_REPORTS_DIR = Path("reports/privacy")


@dataclass(frozen=True)
class ErasureRequest:
    """What the DPO asks for: erase one data subject in one jurisdiction's cell."""

    jurisdiction: str
    subject_id: str
    deployment: str = PRIMARY_DEPLOYMENT
    region: str | None = None
    """Region of the cell's stores; None: the jurisdiction's primary region (the standby after a failover)."""
    request_id: str | None = None
    """Reuse an id (the ticket's); None: a fresh `er-<timestamp>-<random>`."""
    as_of: date | None = None
    """The day retention is judged on; None: today (UTC)."""


@dataclass(frozen=True)
class RecordResult:
    location: str
    data_class: str
    outcome: str
    """erased, pseudonymised, held, kept or failed."""
    reason: str
    retain_until: str | None = None


@dataclass
class ErasureOutcome:
    entry: LedgerEntry
    results: list[RecordResult] = field(default_factory=list)
    certificate_path: Path | None = None

    @property
    def exit_code(self) -> int:
        return 0 if self.entry.state == "complete" else 1

    def summary_lines(self) -> list[str]:
        counts = ", ".join(f"{name} {count}" for name, count in self.entry.counts.items())
        lines = [f"erasure {self.entry.request_id} ({self.entry.jurisdiction}): {self.entry.state}: {counts}"]
        for result in self.results:
            until = f" until {result.retain_until}" if result.retain_until else ""
            lines.append(f"  {result.outcome}{until}: {result.location} ({result.data_class}): {result.reason}")
        if self.certificate_path is not None:
            lines.append(f"certificate: {self.certificate_path} (sha256 {self.entry.certificate_sha256})")
        return lines


def _checked(request: ErasureRequest) -> tuple[str, str]:
    place = resolve_jurisdiction(request.jurisdiction)
    if not SUBJECT_ID.fullmatch(request.subject_id):
        raise TrustFabricError(
            "--subject: not a data subject id; allowed: 1-128 letters, digits, '.', '_' or '-' (an opaque id, never an email), "
            "starting with a letter or digit"
        )
    if request.request_id is not None and not REQUEST_ID.fullmatch(request.request_id):
        raise TrustFabricError(
            f"--request-id: {request.request_id!r} is not a request id; allowed: er- then 6-60 lowercase letters, "
            "digits or '-'"
        )
    region = request.region or place.primary_region
    if region not in place.allowed_regions:
        raise TrustFabricError(
            f"--region: {region!r} is outside {place.code}'s allowed regions; allowed: {', '.join(place.allowed_regions)}"
        )
    return place.code, region


def _aws_call(action: Callable[[], Any], what: str) -> Any:
    try:
        return action()
    except (ClientError, BotoCoreError) as error:
        message = " ".join(str(error).split())
        raise TrustFabricError(f"{what}: {message[:200]}") from None


@dataclass
class _Plan:
    """What one request will do: per record, a result known now (kept, failed to decide) or a planned action."""

    slots: list[RecordResult | int] = field(default_factory=list)
    """A result, or the index of the record's action in `actions`."""
    actions: list[dict[str, Any]] = field(default_factory=list)
    decided: list[tuple[Located, str, str | None]] = field(default_factory=list)
    """Per action: the record, the decision's reason and the retain-until day."""


def erase(
    request: ErasureRequest,
    *,
    endpoint_url: str | None = None,
    reports_dir: Path = DEFAULT_REPORTS_DIR,
    echo: Callable[[str], None] = lambda line: None,
) -> ErasureOutcome:
    """Run one request: locate and decide here (read-only), let the cell's erasure state machine act, certify.

    TrustFabricError (exit 2) for bad input, a missing ledger or state machine, before anything is changed;
    `trustfabric.privacy.execution.ErasureExecutionFailed` (exit 1) when the execution itself fails."""
    code, region = _checked(request)
    aws = Aws.connect(endpoint_url, probe_region=region)
    cell = code.lower()
    ledger = ErasureLedger(aws.client("dynamodb", region), erasure_ledger_table_name(request.deployment, cell))
    _aws_call(ledger.ensure_exists, f"erasure ledger in {region}")
    stores: list[Store] = [
        RecordsBucketStore(
            aws.client("s3", region), records_bucket_name(request.deployment, cell, region, aws.account_id)
        ),
        LedgerTableStore(aws.client("dynamodb", region), ledger_table_name(request.deployment, cell)),
    ]
    now = datetime.now(UTC)
    today = request.as_of or now.date()
    request_id = request.request_id or f"er-{now.strftime('%Y%m%dt%H%M%S')}-{secrets.token_hex(3)}"
    secret = secrets.token_bytes(32)  # the pseudonyms' key: never stored, so no one can link them back
    plan = _Plan()
    searched: list[str] = []
    for store in stores:
        if not _aws_call(store.exists, f"{store.kind} store in {region}"):
            echo(f"{store.kind}: not present in {region}; nothing to search")
            continue
        found: list[Located] = _aws_call(partial(_located, store, request.subject_id), f"searching {store.kind}")
        searched.append(store.kind)
        echo(f"{store.kind}: {len(found)} record(s) of the subject")
        for record in found:
            _decide(plan, store, record, code, today, request_id, request.subject_id, secret)
    digest_of_subject = subject_digest(code, request.subject_id)
    requested_at = now.isoformat(timespec="seconds")
    machine = StateMachine(aws.client("stepfunctions", region), request.deployment, cell, region, aws.account_id)
    execution = machine.run(
        execution_input(
            request_id=request_id,
            jurisdiction=code,
            subject_digest=digest_of_subject,
            requested_at=requested_at,
            actions=plan.actions,
        ),
        f"{request_id}-{secrets.token_hex(4)}",
        aws.wait_delay(5),
        echo,
    )
    results = [
        slot if isinstance(slot, RecordResult) else _executed(plan, slot, execution.outcomes[slot])
        for slot in plan.slots
    ]
    counts = {
        name: sum(1 for r in results if r.outcome == name)
        for name in ("erased", "pseudonymised", "held", "kept", "failed")
    }
    state = "incomplete" if counts["failed"] else "complete"
    completed = datetime.now(UTC)
    completed_at = completed.isoformat(timespec="seconds")
    certificate: dict[str, Any] = {
        "certificate": "erasure",
        "request_id": request_id,
        "jurisdiction": code,
        "region": region,
        "deployment": request.deployment,
        "subject_digest": digest_of_subject,
        "requested_at": requested_at,
        "completed_at": completed_at,
        "judged_on": today.isoformat(),
        "state": state,
        "stores_searched": searched,
        "counts": counts,
        # The subject's id appears in object keys; the certificate (kept in the ledger) names it by digest only.
        "records": [
            {**result.__dict__, "location": result.location.replace(f"/{request.subject_id}/", "/<subject>/")}
            for result in results
        ],
        "legal_basis": "GDPR Art.17; Art.17(3)(b) and Art.18 for records under statutory retention",
    }
    text = json.dumps(certificate, indent=2, sort_keys=True)
    digest = hashlib.sha256(text.encode()).hexdigest()
    entry = LedgerEntry(
        request_id=request_id,
        jurisdiction=code,
        subject_digest=digest_of_subject,
        requested_at=requested_at,
        completed_at=completed_at,
        state=state,
        counts=counts,
        certificate=text,
        certificate_sha256=digest,
        execution_arn=execution.arn,
    )
    _aws_call(lambda: ledger.put(entry), "writing the erasure ledger")
    reports_dir.mkdir(parents=True, exist_ok=True)
    path = reports_dir / f"{request_id}.json"
    path.write_text(text + "\n", encoding="utf-8")
    return ErasureOutcome(entry, results, path)


def _located(store: Store, subject_id: str) -> list[Located]:
    return list(store.locate(subject_id))


def _decide(
    plan: _Plan,
    store: Store,
    record: Located,
    code: str,
    today: date,
    request_id: str,
    subject_id: str,
    secret: bytes,
) -> None:
    """Add the record to the plan: a result now (kept, undecidable), or the action the execution will take."""
    try:
        decision = erasure_action(record.data_class, code, record.record_date, today)
    except KeyError as error:
        plan.slots.append(RecordResult(record.location, record.data_class, "failed", str(error).strip("'\"")))
        return
    if decision.action == "hold" and decision.retain_until is not None:
        action, outcome = store.plan_hold(record, request_id, decision.retain_until), "held"
        until: str | None = decision.retain_until.isoformat()
    elif decision.action == "keep-until-expiry":
        plan.slots.append(RecordResult(record.location, record.data_class, "kept", decision.reason))
        return
    else:
        action, outcome, until = store.plan_removal(record, subject_id, secret), store.removal, None
    plan.slots.append(len(plan.actions))
    plan.actions.append({**action, "location": record.location, "outcome": outcome})
    plan.decided.append((record, decision.reason, until))


def _executed(plan: _Plan, index: int, outcome: dict[str, Any]) -> RecordResult:
    """The result of a planned action, from the execution's outcome of it."""
    record, reason, until = plan.decided[index]
    if outcome.get("outcome") == FAILED:
        why = " ".join(f"{outcome.get('error', 'error')}: {outcome.get('cause', '')}".split())
        return RecordResult(record.location, record.data_class, FAILED, why[:200])
    return RecordResult(record.location, record.data_class, str(outcome["outcome"]), reason, until)


def status(
    jurisdiction: str,
    request_id: str,
    *,
    deployment: str = PRIMARY_DEPLOYMENT,
    region: str | None = None,
    endpoint_url: str | None = None,
) -> LedgerEntry:
    """The ledger's entry of a request; TrustFabricError (exit 2) when there is none."""
    code, where = _checked(ErasureRequest(jurisdiction, "status", deployment, region, request_id))
    aws = Aws.connect(endpoint_url, probe_region=where)
    ledger = ErasureLedger(aws.client("dynamodb", where), erasure_ledger_table_name(deployment, code.lower()))
    _aws_call(ledger.ensure_exists, f"erasure ledger in {where}")
    entry = _aws_call(lambda: ledger.get(request_id), "reading the erasure ledger")
    if entry is None:
        raise TrustFabricError(f"--request-id: no erasure request {request_id!r} in {ledger.table_name} ({where})")
    return entry
