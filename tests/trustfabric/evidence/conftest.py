"""Fixtures for the evidence tests: the CLI (evidence, verify, controls), foreign programs, one dev package.

The dev package is built once per session through the real CLI, which also generates the SBOM (the slow step,
about 15 s); other packages reuse that SBOM (`Inputs(sbom_file=...)`) and are built by calling the library.
Tests that tamper with a package work on a copy (`package_copy`).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

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
    result = invoke("evidence", "--stack", "dev", "--out", out, "--signing-key", key_file, "--reports", reports)
    assert result.exit_code == 0, result.stdout + result.stderr
    return DevPackage(out, key_file, public_key, result)


@pytest.fixture(scope="session")
def sbom_file(dev_package: DevPackage) -> Path:
    return dev_package.out / "sbom.cdx.json"


@pytest.fixture
def package_copy(dev_package: DevPackage, tmp_path: Path) -> Path:
    """A copy of the dev package to tamper with."""
    target = tmp_path / "package"
    shutil.copytree(dev_package.out, target)
    return target
