"""Run checkov on a ResourceGraph (through its Terraform plan and Kubernetes manifests) and read back Findings.

checkov lives in its own virtualenv (`.venv-checkov`, its pins conflict with pulumi's) and runs offline: with
`--skip-download` and the environment in `OFFLINE_ENV`, so it neither fetches guidelines nor uploads results.
Each failed check becomes a mandatory Finding (source `checkov`, policy = check id) about the graph resource it
maps back to; a reviewed suppression (`checkov-suppressions.yaml`) is the only way to silence one, and an expired
suppression is itself a mandatory finding. A failure one of our own policies also reports on the same resource
(`DUPLICATES`) is shown once, as our finding, with the check id in `also`.

Usage::

    from trustfabric.bridge.checkov import merge_findings, scan_graph
    from trustfabric.bridge.suppressions import load_suppressions

    scan = scan_graph(graph, suppressions=load_suppressions(Path("checkov-suppressions.yaml")))
    print(scan.passed, scan.failed, len(scan.suppressed))
    findings, exempted = merge_findings(gate_result.findings, gate_result.exempted, scan)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import TrustFabricError
from ..findings import SEVERITIES, Finding, ResourceRef, named_resource_ref, resource_ref, sort_key, stack_ref
from ..gate.info import PolicyInfo
from ..graph import ResourceGraph
from ..paths import CHECKOV_VENV
from ..reviewed import EVERY_RESOURCE, ReviewedEntry
from .cache import cached_reports, store_reports, verdict_key
from .k8s import write_manifests
from .tfplan import Unmapped, build_plan

CHECKOV_ENV = "TRUSTFABRIC_CHECKOV"
FRAMEWORKS = ("terraform_plan", "kubernetes")
OFFLINE_ENV = {
    "BC_SKIP_MAPPING": "TRUE",
    "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
    "CKV_IGNORE_HIDDEN_DIRECTORIES": "true",
    "LOG_LEVEL": "ERROR",
}
"""Keeps checkov 3.3.30 from reaching for the network (mapping, SCA) and its log quiet."""
DEFAULT_TIMEOUT = 1800.0
UNMAPPED_POLICY = "checkov-bridge-unmapped"

DUPLICATES: dict[str, tuple[str, ...]] = {
    "CKV_AWS_7": ("aws-kms-key-rotation-enabled",),
    "CKV_AWS_145": ("aws-s3-bucket-sse-kms-cmk", "aws-s3-bucket-encryption-configured"),
    "CKV2_AWS_6": ("aws-s3-bucket-public-access-block", "aws-s3-public-access-block-all-enabled"),
    "CKV_AWS_16": ("aws-rds-instance-storage-encrypted",),
    "CKV_AWS_96": ("aws-rds-cluster-storage-encrypted",),
    "CKV_AWS_17": ("aws-rds-instance-not-public",),
    "CKV_AWS_133": ("aws-rds-backup-retention",),
    "CKV_AWS_24": ("aws-ec2-security-group-no-public-admin-ingress",),
    "CKV_AWS_25": ("aws-ec2-security-group-no-public-admin-ingress",),
    "CKV_AWS_158": ("aws-cloudwatch-log-group-encryption-cmk",),
    "CKV_AWS_338": ("aws-cloudwatch-log-group-retention",),
    "CKV_AWS_149": ("aws-secretsmanager-secret-encryption-cmk",),
    "CKV_AWS_26": ("aws-sns-topic-encrypted",),
    "CKV_AWS_27": ("aws-sqs-queue-encrypted",),
    "CKV_AWS_119": ("aws-dynamodb-table-encryption-cmk",),
    "CKV_AWS_5": ("aws-opensearch-domain-encrypt-at-rest",),
    "CKV_AWS_6": ("aws-opensearch-domain-node-to-node-encryption",),
    "CKV_AWS_83": ("aws-opensearch-domain-enforce-https",),
    "CKV_AWS_228": ("aws-opensearch-domain-tls-policy",),
    "CKV_AWS_166": ("aws-backup-vault-encryption-cmk",),
    "CKV_AWS_67": ("aws-cloudtrail-multi-region-validation",),
    "CKV_AWS_36": ("aws-cloudtrail-multi-region-validation",),
    "CKV_AWS_2": ("aws-lb-listener-tls-enforced",),
    "CKV_K8S_16": ("kubernetes-pod-no-privileged",),
    "CKV_K8S_20": ("kubernetes-pod-no-privilege-escalation",),
    "CKV_K8S_23": ("kubernetes-pod-run-as-non-root",),
    "CKV_K8S_11": ("kubernetes-pod-resource-limits",),
    "CKV_K8S_13": ("kubernetes-pod-resource-limits",),
}
"""checkov check id -> our policies judging the same property (a failure of both is shown once)."""

Progress = Callable[[str], None]


@dataclass(frozen=True)
class CheckResult:
    """One check's verdict on one resource, as checkov reported it."""

    check_id: str
    check_name: str
    passed: bool
    framework: str
    resource: str
    """checkov's resource id: the Terraform address, or `Kind.namespace.name`."""
    file: str
    guideline: str | None = None
    severity: str | None = None
    check_class: str = ""
    urn: str | None = None
    """The graph resource the result is about (filled by `scan_graph`); None when it maps to none."""


@dataclass
class CheckovScan:
    """What one checkov run over a graph found."""

    findings: list[Finding]
    """Counted: unsuppressed failures, expired suppressions, and advisory notes on resources not scanned."""
    suppressed: list[Finding]
    """Failures a live suppression covers (`extra["exemption"]` holds it): shown, not counted."""
    results: list[CheckResult]
    unmapped: list[Unmapped] = field(default_factory=list)
    seconds: float = 0.0
    resources_scanned: int = 0
    checkov_version: str = ""
    plan_sha256: str = ""
    """SHA-256 of the Terraform plan JSON checkov scanned, as written."""
    cached: bool = False
    """The verdicts came from the cache (`trustfabric.bridge.cache`): the same files, the same checkov."""

    @property
    def passed(self) -> int:
        return sum(1 for result in self.results if result.passed)

    @property
    def failed(self) -> int:
        return sum(1 for result in self.results if not result.passed)

    def counts(self) -> dict[str, int]:
        """passed, failed (before suppressions), suppressed, unsuppressed mandatory, unmapped resources."""
        return {
            "resources": self.resources_scanned,
            "passed": self.passed,
            "failed": self.failed,
            "suppressed": len(self.suppressed),
            "mandatory": sum(1 for finding in self.findings if finding.is_mandatory),
            "unmapped": len(self.unmapped),
        }

    def summary_line(self) -> str:
        counts = self.counts()
        kinds = Counter(item.reason.split(":")[0].split(";")[0] for item in self.unmapped)
        not_scanned = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
        return (
            f"checkov: {counts['passed']} passed, {counts['failed']} failed, {counts['suppressed']} suppressed "
            f"on {counts['resources']} resources in {self.seconds:.1f}s"
            + (" (verdicts cached)" if self.cached else "")
            + (f"; not scanned: {not_scanned}" if not_scanned else "")
        )


# ------------------------------------------------------------------------------------------------------------
# Running checkov


def checkov_executable() -> Path:
    """`$TRUSTFABRIC_CHECKOV`, else `.venv-checkov/bin/checkov` of this repository; one-line error when absent."""
    configured = os.environ.get(CHECKOV_ENV)
    path = Path(configured) if configured else CHECKOV_VENV / "bin" / "checkov"
    if not path.is_file() or not os.access(path, os.X_OK):
        raise TrustFabricError(f"checkov not found at {path}; run `make setup` to create .venv-checkov")
    return path


def run_checkov(
    target: Path, frameworks: Sequence[str] = FRAMEWORKS, *, timeout: float = DEFAULT_TIMEOUT
) -> list[dict[str, Any]]:
    """Run checkov offline on a directory; its JSON reports (one per framework, a list even for one)."""
    command = [
        str(checkov_executable()),
        "-d",
        str(target),
        "--framework",
        *frameworks,
        "--skip-download",
        "--skip-results-upload",
        "-o",
        "json",
    ]
    environment = {**os.environ, **OFFLINE_ENV}
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, env=environment, check=False
        )
    except subprocess.TimeoutExpired:
        raise TrustFabricError(f"checkov did not finish within {timeout:.0f}s on {target}") from None
    if completed.returncode not in (0, 1):
        last = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        raise TrustFabricError(f"checkov failed (exit {completed.returncode}): {last}")
    return parse_output(completed.stdout)


def parse_output(text: str) -> list[dict[str, Any]]:
    """checkov's `-o json` output: a list of reports, one report, or an empty-scan summary."""
    start = min((i for i in (text.find("["), text.find("{")) if i >= 0), default=-1)
    if start < 0:
        raise TrustFabricError("checkov printed no JSON report")
    try:
        data = json.loads(text[start:])
    except ValueError as error:
        raise TrustFabricError(f"checkov printed invalid JSON: {error}") from None
    reports = data if isinstance(data, list) else [data]
    return [report for report in reports if isinstance(report, dict) and "results" in report]


def check_results(reports: Sequence[Mapping[str, Any]]) -> list[CheckResult]:
    """Every passed and failed check of the reports, deduplicated per (check, resource)."""
    seen: set[tuple[str, str, str, bool]] = set()
    results: list[CheckResult] = []
    for report in reports:
        framework = str(report.get("check_type", ""))
        body = report.get("results") or {}
        for key, passed in (("passed_checks", True), ("failed_checks", False)):
            for item in body.get(key) or []:
                resource = str(item.get("resource_address") or item.get("resource") or "")
                identity = (str(item["check_id"]), resource, str(item.get("file_path") or ""), passed)
                if identity in seen:
                    continue
                seen.add(identity)
                severity = item.get("severity")
                results.append(
                    CheckResult(
                        check_id=str(item["check_id"]),
                        check_name=str(item.get("check_name") or item["check_id"]),
                        passed=passed,
                        framework=framework,
                        resource=resource,
                        file=str(item.get("file_path") or ""),
                        guideline=item.get("guideline"),
                        severity=str(severity).lower() if severity else None,
                        check_class=str(item.get("check_class") or ""),
                    )
                )
    return results


def checkov_version(reports: Sequence[Mapping[str, Any]], executable: Path | None = None) -> str:
    """The version checkov reports in its summaries, else the one installed beside `executable`; "" if neither."""
    for report in reports:
        version = (report.get("summary") or {}).get("checkov_version")
        if version:
            return str(version)
    if executable is None:
        return ""
    from importlib import metadata

    site_packages = [str(path) for path in executable.resolve().parent.parent.glob("lib/python*/site-packages")]
    return next((dist.version for dist in metadata.distributions(name="checkov", path=site_packages)), "")


def parsing_errors(reports: Sequence[Mapping[str, Any]]) -> list[str]:
    return [str(path) for report in reports for path in (report.get("results") or {}).get("parsing_errors") or []]


# ------------------------------------------------------------------------------------------------------------
# Findings


def failure_finding(result: CheckResult, resource: ResourceRef) -> Finding:
    """A failed check as a mandatory Finding about the graph resource it maps back to."""
    severity = result.severity if result.severity in SEVERITIES else "medium"
    return Finding(
        policy=result.check_id,
        enforcement="mandatory",
        severity=str(severity),
        message=f"{result.check_name}: {result.resource}",
        resource=resource,
        source="checkov",
        remediation=("Change the resource so the check passes, or add a reviewed entry to checkov-suppressions.yaml."),
        extra={
            "check_name": result.check_name,
            "framework": result.framework,
            "address": result.resource,
            "guideline": result.guideline or "https://www.checkov.io/5.Policy%20Index/all.html",
            "check_class": result.check_class,
        },
    )


def expired_suppression_finding(suppression: ReviewedEntry, graph: ResourceGraph) -> Finding:
    resource = stack_ref(graph)
    if suppression.resource != EVERY_RESOURCE:
        resource = named_resource_ref(graph, suppression.resource)
    return Finding(
        policy=suppression.check,
        enforcement="mandatory",
        severity="medium",
        message=(
            f"checkov suppression for {suppression.check} on {suppression.resource} expired on "
            f"{suppression.expires.isoformat()} (approved by {suppression.approver})"
        ),
        resource=resource,
        source="checkov",
        remediation="Fix the failure and remove the suppression, or renew it after review in checkov-suppressions.yaml.",
        extra={"kind": "expired-suppression", "suppression": suppression.as_dict()},
    )


def unmapped_findings(unmapped: Sequence[Unmapped], graph: ResourceGraph) -> list[Finding]:
    """One advisory finding per custom resource type checkov could not see (components and providers aside)."""
    by_type: dict[str, list[Unmapped]] = {}
    for item in unmapped:
        if item.reason.startswith(("component", "provider")):
            continue
        by_type.setdefault(item.type, []).append(item)
    findings = []
    for resource_type, items in sorted(by_type.items()):
        names = ", ".join(item.name for item in items[:5]) + (", ..." if len(items) > 5 else "")
        findings.append(
            Finding(
                policy=UNMAPPED_POLICY,
                enforcement="advisory",
                severity="low",
                message=(
                    f"{len(items)} {resource_type} resource(s) not scanned by checkov ({items[0].reason}): {names}"
                ),
                resource=stack_ref(graph),
                source="checkov",
                remediation="Cover these with our own policies, or add the type to trustfabric/bridge/types.py.",
                extra={"kind": "unmapped", "type": resource_type, "urns": [item.urn for item in items]},
            )
        )
    return findings


def findings_from_results(
    results: Sequence[CheckResult],
    urn_of: Callable[[CheckResult], str | None],
    graph: ResourceGraph,
    suppressions: Sequence[ReviewedEntry] = (),
    today: dt.date | None = None,
) -> tuple[list[Finding], list[Finding]]:
    """(counted, suppressed) Findings for the failed results, with suppressions applied and expired ones added."""
    day = today or dt.date.today()
    live = [s for s in suppressions if s.is_live(day)]
    counted: list[Finding] = []
    suppressed: list[Finding] = []
    for result in results:
        if result.passed:
            continue
        finding = failure_finding(result, resource_ref(graph, urn_of(result) or ""))
        suppression = next((s for s in live if s.matches(finding)), None)
        if suppression is None:
            counted.append(finding)
            continue
        entry = suppression.as_dict()
        suppressed.append(replace(finding, extra={**finding.extra, "exemption": entry, "suppression": entry}))
    counted += [expired_suppression_finding(s, graph) for s in suppressions if not s.is_live(day)]
    return counted, suppressed


def scan_graph(
    graph: ResourceGraph,
    *,
    suppressions: Sequence[ReviewedEntry] = (),
    today: dt.date | None = None,
    progress: Progress | None = None,
    work_dir: Path | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> CheckovScan:
    """Bridge the graph, run checkov on it, and return its Findings (see the module docstring).

    `work_dir` keeps the plan and manifests there (for debugging); by default a temporary directory is used.
    """
    report = progress or (lambda _message: None)
    executable = checkov_executable()  # fail fast, before bridging, when the venv is missing
    bridged = build_plan(graph)
    plan_text = json.dumps(bridged.plan, indent=1, sort_keys=True)
    with tempfile.TemporaryDirectory(prefix="trustfabric-checkov-") as scratch:
        root = work_dir or Path(scratch)
        root.mkdir(parents=True, exist_ok=True)
        (root / "plan.json").write_text(plan_text, encoding="utf-8")
        manifests, k8s_unmapped = write_manifests(graph, root / "k8s")
        key = verdict_key(root, executable, FRAMEWORKS)
        started = time.perf_counter()
        reports = cached_reports(key)
        cached = reports is not None
        if reports is None:
            report(f"checkov: scanning {bridged.resource_count} Terraform resources and {len(manifests)} manifests")
            reports = run_checkov(root, timeout=timeout)
            store_reports(key, reports)
        else:
            report("checkov: the same files were scanned by the same checkov before; reusing its verdicts")
        seconds = time.perf_counter() - started
    errors = parsing_errors(reports)
    if errors:
        raise TrustFabricError(f"checkov could not parse the bridged files: {', '.join(errors)}")
    results = check_results(reports)

    def urn_of(result: CheckResult) -> str | None:
        if result.framework == "kubernetes":
            return manifests.get(Path(result.file).name)
        return bridged.addresses.get(result.resource)

    results = [replace(result, urn=urn_of(result)) for result in results]
    counted, suppressed = findings_from_results(results, lambda result: result.urn, graph, suppressions, today)
    unmapped = [*bridged.unmapped, *k8s_unmapped]
    counted += unmapped_findings(unmapped, graph)
    return CheckovScan(
        findings=sorted(counted, key=sort_key),
        suppressed=sorted(suppressed, key=sort_key),
        results=results,
        unmapped=unmapped,
        seconds=seconds,
        resources_scanned=bridged.resource_count + len(manifests),
        checkov_version=checkov_version(reports, executable),
        plan_sha256=hashlib.sha256(plan_text.encode("utf-8")).hexdigest(),
        cached=cached,
    )


def merge_findings(
    policy_findings: Sequence[Finding], policy_exempted: Sequence[Finding], scan: CheckovScan
) -> tuple[list[Finding], list[Finding]]:
    """(counted, exempted): policy and checkov findings together, a duplicated failure shown once.

    A counted checkov failure whose check judges the same property as one of our policies (`DUPLICATES`), on
    a resource that policy flagged too, is folded into our finding (`also` gains the check id). Exempted
    policy findings do not absorb checkov failures: only checkov-suppressions.yaml silences a check.
    """
    merged = list(policy_findings)
    index = {(finding.policy, finding.resource.urn): position for position, finding in enumerate(merged)}
    for finding in scan.findings:
        target = next(
            (
                index[(policy, finding.resource.urn)]
                for policy in DUPLICATES.get(finding.policy, ())
                if (policy, finding.resource.urn) in index and finding.extra.get("kind") != "expired-suppression"
            ),
            None,
        )
        if target is None:
            merged.append(finding)
            continue
        existing = merged[target]
        if finding.policy not in existing.also:
            merged[target] = replace(existing, also=(*existing.also, finding.policy))
    exempted = [*policy_exempted, *scan.suppressed]
    return sorted(merged, key=sort_key), sorted(exempted, key=sort_key)


def catalog_entries(scan: CheckovScan) -> list[PolicyInfo]:
    """Rule records for every check that failed (name as description, guideline as help link)."""
    entries: dict[str, PolicyInfo] = {}
    for finding in [*scan.findings, *scan.suppressed]:
        if finding.policy in entries or finding.policy == UNMAPPED_POLICY:
            continue
        entries[finding.policy] = PolicyInfo(
            name=finding.policy,
            description=str(finding.extra.get("check_name") or finding.policy),
            severity=finding.severity,
            enforcement="mandatory",
            remediation=finding.remediation,
            topics=("checkov",),
            url=str(finding.extra.get("guideline") or ""),
        )
    return list(entries.values())


__all__ = [
    "CHECKOV_ENV",
    "DUPLICATES",
    "FRAMEWORKS",
    "OFFLINE_ENV",
    "CheckResult",
    "CheckovScan",
    "catalog_entries",
    "check_results",
    "checkov_executable",
    "checkov_version",
    "merge_findings",
    "parse_output",
    "run_checkov",
    "scan_graph",
]
