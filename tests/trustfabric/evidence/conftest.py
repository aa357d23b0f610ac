"""Fixtures for the evidence tests: the CLI (evidence, verify, controls), foreign programs, one dev package.

The dev package is built once per session through the real CLI, signed with a key file whose public half lives
outside the package (`auditor.pub`); other packages are built by calling the library. Tests that tamper with a
package work on a copy (`package_copy`).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.trustfabric.helpers import CliResult, invoke


@pytest.fixture
def cli() -> Callable[..., CliResult]:
    return invoke


def write_key(path: Path) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return key


def write_public_key(path: Path, key: Ed25519PrivateKey) -> Path:
    path.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return path


@dataclass(frozen=True)
class DevPackage:
    out: Path
    key_file: Path
    public_key: Path
    result: CliResult
    ledger: Path
    """The evidence ledger the build appended its run to (`evidence --ledger`)."""


@pytest.fixture(scope="session")
def dev_package(tmp_path_factory: pytest.TempPathFactory) -> DevPackage:
    """The repository's dev stack as an evidence package, built once through the CLI (with a real SBOM)."""
    root = tmp_path_factory.mktemp("dev-package")
    key_file = root / "signing.pem"
    key = write_key(key_file)
    public_key = write_public_key(root / "auditor.pub", key)
    reports = root / "reports"
    reports.mkdir()
    out = root / "package"
    ledger = root / "ledger"
    result = invoke(
        "evidence", "--stack", "dev", "--out", out, "--signing-key", key_file, "--reports", reports, "--ledger", ledger
    )
    assert result.exit_code == 0, result.stdout + result.stderr
    return DevPackage(out, key_file, public_key, result, ledger)


@pytest.fixture
def package_copy(dev_package: DevPackage, tmp_path: Path) -> Path:
    """A copy of the dev package to tamper with."""
    target = tmp_path / "package"
    shutil.copytree(dev_package.out, target)
    return target


def checkov_results(
    stack: str,
    *,
    findings: tuple[dict[str, Any], ...] = (),
    suppressed: tuple[dict[str, Any], ...] = (),
    plan_sha256: str | None = None,
) -> dict[str, Any]:
    """`reports/checkov/<stack>.json` as `trustfabric check --with-checkov` writes it (trustfabric.evidence.inputs)."""
    data: dict[str, Any] = {
        "stack": stack,
        "generated_at": "2026-01-02T03:04:05Z",
        "checkov_version": "3.3.30",
        "checkov": {
            "resources": 3,
            "passed": 40,
            "failed": len(findings) + len(suppressed),
            "suppressed": len(suppressed),
            "mandatory": len(findings),
            "unmapped": [],
            "seconds": 12.5,
        },
        "findings": list(findings),
        "suppressed": list(suppressed),
    }
    if plan_sha256 is not None:
        data["plan_sha256"] = plan_sha256
    return data


def checkov_finding(check: str, resource: str, *, exemption: dict[str, str] | None = None) -> dict[str, Any]:
    """A checkov failure as Finding.as_dict() renders it."""
    finding: dict[str, Any] = {
        "policy": check,
        "enforcement": "mandatory",
        "severity": "high",
        "message": f"{check} failed: aws_kms_key.{resource}",
        "resource": {
            "urn": f"urn:pulumi:test::test::aws:kms/key:Key::{resource}",
            "type": "aws:kms/key:Key",
            "name": resource,
        },
        "controls": [],
        "source": "checkov",
        "extra": {"check_name": check},
    }
    if exemption is not None:
        finding["extra"]["exemption"] = exemption
    return finding
