"""The bridge gives checkov the same verdicts as the equivalent hand-written Terraform and manifests."""

from __future__ import annotations

import pytest

from trustfabric.bridge.checkov import CheckovScan, CheckResult

CASES = {
    "CKV_AWS_7": {"key_rotating": True, "key_static": False},
    "CKV_AWS_145": {"bucket_kms": True, "bucket_plain": False},
    "CKV_AWS_16": {"db_encrypted": True, "db_plain": False},
    "CKV_AWS_24": {"sg_ssh_open": False, "sg_https": True},
    "CKV_K8S_16": {"privileged-app": False, "unprivileged-app": True},
    "CKV2_K8S_6": {"privileged-app": False, "unprivileged-app": True},
    "CKV2_AWS_38": {"zone_signed": True, "zone_plain": False},
    "CKV2_AWS_39": {"zone_signed": True, "zone_plain": False},
}
"""check id -> resource name -> passes? (checkov's documented behaviour for these inputs)."""


def _name(result: CheckResult) -> str:
    """The logical name in a checkov resource id: `aws_kms_key.key_static`, `Deployment.default.privileged-app`,
    and for the Pod checkov derives from a Deployment's template (`Pod.default.privileged-app.app-privileged-app`)
    the Deployment's name."""
    parts = result.resource.split(".")
    return parts[2] if parts[0] == "Pod" and len(parts) > 3 else parts[-1]


def _verdicts(results: list[CheckResult], check_id: str) -> dict[str, bool]:
    return {_name(r): r.passed for r in results if r.check_id == check_id and _name(r) in CASES[check_id]}


@pytest.mark.parametrize("check_id", sorted(CASES))
def test_bridge_matches_handwritten_terraform(
    check_id: str, verdict_scan: CheckovScan, handwritten_results: list[CheckResult]
) -> None:
    bridged = _verdicts(verdict_scan.results, check_id)
    handwritten = _verdicts(handwritten_results, check_id)
    assert handwritten == CASES[check_id]
    assert bridged == handwritten


def test_failures_become_mandatory_findings_on_the_graph_resource(verdict_scan: CheckovScan) -> None:
    failed = {(f.policy, f.resource.name) for f in verdict_scan.findings if f.is_mandatory}
    assert {
        ("CKV_AWS_7", "key_static"),
        ("CKV_AWS_145", "bucket_plain"),
        ("CKV_AWS_16", "db_plain"),
        ("CKV_AWS_24", "sg_ssh_open"),
        ("CKV_K8S_16", "privileged-app"),
    } <= failed
    finding = next(f for f in verdict_scan.findings if f.policy == "CKV_AWS_7")
    assert finding.source == "checkov"
    assert finding.enforcement == "mandatory"
    assert finding.severity == "medium"
    assert finding.resource.type == "aws:kms/key:Key"
    assert finding.resource.urn.endswith("::key_static")
    assert finding.message == "Ensure rotation for customer created CMKs is enabled: aws_kms_key.key_static"
    assert finding.extra["guideline"].startswith("https://")


def test_unmapped_provider_is_reported_not_dropped(verdict_scan: CheckovScan) -> None:
    unmapped = {(item.type, item.name) for item in verdict_scan.unmapped}
    assert ("pulumi:providers:kubernetes", "cluster") in unmapped
    assert verdict_scan.counts()["unmapped"] == len(verdict_scan.unmapped)
    assert "not scanned: 1 provider" in verdict_scan.summary_line()


def test_duplicate_of_our_policy_is_shown_once_with_both_ids(verdict_scan: CheckovScan) -> None:
    from trustfabric.bridge.checkov import merge_findings
    from trustfabric.findings import Finding

    checkov_finding = next(f for f in verdict_scan.findings if f.policy == "CKV_AWS_7")
    ours = Finding(
        "aws-kms-key-rotation-enabled",
        "mandatory",
        "high",
        "KMS key 'key_static' does not rotate.",
        checkov_finding.resource,
    )
    merged, exempted = merge_findings([ours], [], verdict_scan)
    rotation = [f for f in merged if f.policy in ("aws-kms-key-rotation-enabled", "CKV_AWS_7")]
    assert [(f.policy, f.also) for f in rotation] == [("aws-kms-key-rotation-enabled", ("CKV_AWS_7",))]
    assert exempted == []
