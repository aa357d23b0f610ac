"""One erasure request end to end, and its state afterwards.

`erase` locates the subject's records in the cell's stores (`trustfabric.privacy.stores`), decides per record with
`domain.retention.erasure_action` (a statutory record inside its retention is held under a legal hold until the
day it ends, naming the statute; anything else is erased, or pseudonymised where the store keeps the row), acts,
writes the erasure certificate (JSON, with its SHA-256) into the reports folder and the ledger, and returns the
outcome: exit 0 when every record was dealt with, 1 when an action failed. `status` reads a request back.

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

from domain.naming import PRIMARY_DEPLOYMENT, erasure_ledger_table_name, ledger_table_name, records_bucket_name
from domain.retention import erasure_action
from trustfabric.drills.common import Aws, resolve_jurisdiction
from trustfabric.errors import TrustFabricError
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


def erase(
    request: ErasureRequest,
    *,
    endpoint_url: str | None = None,
    reports_dir: Path = DEFAULT_REPORTS_DIR,
    echo: Callable[[str], None] = lambda line: None,
) -> ErasureOutcome:
    """Run one request; TrustFabricError (exit 2) for bad input or a missing ledger, before anything is changed."""
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
    results: list[RecordResult] = []
    searched: list[str] = []
    for store in stores:
        if not _aws_call(store.exists, f"{store.kind} store in {region}"):
            echo(f"{store.kind}: not present in {region}; nothing to search")
            continue
        found: list[Located] = _aws_call(partial(_located, store, request.subject_id), f"searching {store.kind}")
        searched.append(store.kind)
        echo(f"{store.kind}: {len(found)} record(s) of the subject")
        for record in found:
            results.append(_act(store, record, code, today, request_id, secret))
    counts = {
        name: sum(1 for r in results if r.outcome == name)
        for name in ("erased", "pseudonymised", "held", "kept", "failed")
    }
    state = "incomplete" if counts["failed"] else "complete"
    completed = datetime.now(UTC)
    digest_of_subject = subject_digest(code, request.subject_id)
    requested_at = now.isoformat(timespec="seconds")
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
    )
    _aws_call(lambda: ledger.put(entry), "writing the erasure ledger")
    reports_dir.mkdir(parents=True, exist_ok=True)
    path = reports_dir / f"{request_id}.json"
    path.write_text(text + "\n", encoding="utf-8")
    return ErasureOutcome(entry, results, path)


def _located(store: Store, subject_id: str) -> list[Located]:
    return list(store.locate(subject_id))


def _act(store: Store, record: Located, code: str, today: date, request_id: str, secret: bytes) -> RecordResult:
    try:
        decision = erasure_action(record.data_class, code, record.record_date, today)
    except KeyError as error:
        return RecordResult(record.location, record.data_class, "failed", str(error).strip("'\""))
    try:
        if decision.action == "hold" and decision.retain_until is not None:
            store.hold(record, request_id, decision.retain_until)
            return RecordResult(
                record.location, record.data_class, "held", decision.reason, decision.retain_until.isoformat()
            )
        if decision.action == "keep-until-expiry":
            return RecordResult(record.location, record.data_class, "kept", decision.reason)
        store.remove(record, request_id, secret)
        return RecordResult(record.location, record.data_class, store.removal, decision.reason)
    except ClientError as error:
        code_name = error.response.get("Error", {}).get("Code", "error")
        message = " ".join(str(error.response.get("Error", {}).get("Message", "")).split())
        return RecordResult(record.location, record.data_class, "failed", f"{code_name}: {message}"[:200])


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
