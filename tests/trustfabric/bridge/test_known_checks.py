"""The checkov check ids a suppression may name: kept as data, and equal to what the installed checkov lists."""

from __future__ import annotations

import pytest

from trustfabric.bridge.known_checks import (
    DATA_FILE,
    installed_checks,
    known_check_ids,
    known_checkov_version,
    parse_listing,
    render,
)

LISTING = """\
|     | Id          | Type     | Entity            | Policy            | IaC        | Resource Link |
|-----|-------------|----------|-------------------|-------------------|------------|---------------|
|   0 | CKV_AWS_7   | resource | aws_kms_key       | Rotation          | Terraform  | https://x     |
|   1 | CKV_AZURE_1 | resource | azurerm_vm        | SSH keys          | Terraform  | https://x     |
|   2 | CKV2_AWS_62 | resource | aws_s3_bucket     | Notifications     | Terraform  | https://x     |
|   3 | CKV_K8S_16  | resource | Pod               | Privileged        | Kubernetes | https://x     |
"""


def test_the_listing_keeps_aws_terraform_checks_and_kubernetes_checks():
    assert parse_listing(LISTING) == {"terraform": ["CKV2_AWS_62", "CKV_AWS_7"], "kubernetes": ["CKV_K8S_16"]}


def test_a_listing_without_its_columns_fails_loudly():
    with pytest.raises(ValueError, match="no Entity, IaC column"):
        parse_listing("| | Id |\n|---|---|\n| 0 | CKV_AWS_7 |\n")


def test_the_data_holds_the_checks_the_bridge_can_meet():
    ids = known_check_ids()
    assert {"CKV_AWS_7", "CKV2_AWS_62", "CKV_AWS_144", "CKV_K8S_16"} <= ids
    assert not {check for check in ids if "AZURE" in check or "GCP" in check}


def test_the_data_matches_the_installed_checkov():
    # `checkov --list` of .venv-checkov (make setup), as the scan itself needs it.
    document = installed_checks()
    assert document["checkov"] == known_checkov_version()
    assert render(document) == DATA_FILE.read_text(encoding="utf-8"), "run python -m trustfabric.bridge.known_checks"
