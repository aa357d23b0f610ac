"""Every CIS AWS Foundations Benchmark 3.0.0 id we cite is a recommendation of the vendored reference table."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from tests.trustfabric.helpers import pack_policies
from trustfabric.audit import CHECKS
from trustfabric.evidence.controls import load_catalog

FRAMEWORK = "CIS-AWS-3.0"


def _reference(repo_root: Path) -> dict[str, str]:
    data = yaml.safe_load((repo_root / "compliance" / "cis-aws-foundations-3.0.0.yaml").read_text())
    assert data["benchmark"] == "CIS Amazon Web Services Foundations Benchmark"
    assert data["version"] == "3.0.0"
    return data["recommendations"]


def _cited() -> dict[str, set[str]]:
    """Each cited CIS id and where it is cited."""
    cited: dict[str, set[str]] = {}
    for control in load_catalog(policies=pack_policies()).controls:
        if control.framework == FRAMEWORK:
            cited.setdefault(control.id, set()).add("compliance/controls.yaml")
    for policy in pack_policies():
        for control_id in policy.meta.controls.get(FRAMEWORK, ()):
            cited.setdefault(control_id, set()).add(f"policy {policy.name}")
    for check, info in CHECKS.items():
        for key in info["controls"]:
            framework, _, control_id = key.partition(" ")
            if framework == FRAMEWORK:
                cited.setdefault(control_id, set()).add(f"audit check {check}")
    return cited


def test_the_reference_table_is_the_whole_benchmark(repo_root: Path) -> None:
    reference = _reference(repo_root)
    assert all(isinstance(key, str) and isinstance(title, str) and title for key, title in reference.items())
    assert all(re.fullmatch(r"[1-5]\.[1-9][0-9]?(\.[1-9])?", key) for key in reference)
    by_section = {section: sum(key.startswith(f"{section}.") for key in reference) for section in "12345"}
    # v3.0.0: 22 IAM, 9 storage (S3 4, EC2 1, RDS 3, EFS 1), 9 logging, 16 monitoring, 6 networking
    assert by_section == {"1": 22, "2": 9, "3": 9, "4": 16, "5": 6}
    assert {key for key in reference if key.startswith("2.")} == {
        "2.1.1",
        "2.1.2",
        "2.1.3",
        "2.1.4",
        "2.2.1",
        "2.3.1",
        "2.3.2",
        "2.3.3",
        "2.4.1",
    }


def test_every_cited_cis_id_is_a_recommendation_of_the_benchmark(repo_root: Path) -> None:
    reference = _reference(repo_root)
    cited = _cited()
    unknown = {control_id: sorted(where) for control_id, where in cited.items() if control_id not in reference}
    assert unknown == {}


def test_the_claims_the_audit_corrected_stay_corrected() -> None:
    cited = _cited()
    # aws-ec2-security-group-no-public-admin-ingress judges public ingress rules, not the default security group
    # (5.4); aws-s3-bucket-no-public-acl judges ACLs, not the Block Public Access settings (2.1.4).
    assert "policy aws-ec2-security-group-no-public-admin-ingress" not in cited["5.4"]
    assert "policy aws-s3-bucket-no-public-acl" not in cited["2.1.4"]
    assert cited["2.1.4"] >= {
        "policy aws-s3-public-access-block-all-enabled",
        "policy aws-s3-bucket-public-access-block",
    }
    assert "policy aws-ec2-security-group-no-public-admin-ingress" in cited["5.2"] & cited["5.3"]


def test_the_catalog_points_at_the_reference(repo_root: Path) -> None:
    info = load_catalog(policies=pack_policies()).frameworks[FRAMEWORK]
    assert info["version"] == "3.0.0"
    assert (repo_root / info["reference"]).is_file()
