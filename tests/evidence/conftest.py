"""Fixtures for the evidence tests: the CLI (evidence, verify, controls), foreign programs, one dev package.

The dev package is built once per session through the real CLI, which also generates the SBOM (the slow step,
about 15 s); other packages reuse that SBOM (`Inputs(sbom_file=...)`) and are built by calling the library.
Tests that tamper with a package work on a copy (`package_copy`).
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner

from trustfabric.errors import TrustFabricError
from trustfabric.evidence import register
from trustfabric.gate import registered_policies

KMS_POLICY = "aws-kms-key-rotation-enabled"
STACK = "test"

SEEDED_PROGRAM = """
import pulumi_aws as aws

aws.kms.Key("vault-key", description="vault unseal", enable_key_rotation=True)
aws.kms.Key("ledger-key", description="ledger data")  # seeded: no rotation
"""

CLEAN_PROGRAM = """
import pulumi_aws as aws

aws.kms.Key("vault-key", description="vault unseal", enable_key_rotation=True)
"""


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


def _app() -> typer.Typer:
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

    @app.callback()
    def root() -> None:
        """A group, so commands are invoked by name as in the real CLI."""

    register(app)
    return app


def invoke(*args: str | Path) -> CliResult:
    """Run a command like the real CLI's main(): TrustFabricError becomes `error: <message>` and exit 2."""
    result = CliRunner().invoke(_app(), [str(arg) for arg in args])
    if isinstance(result.exception, TrustFabricError):
        return CliResult(2, result.stdout, f"error: {result.exception}\n")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return CliResult(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def cli() -> Callable[..., CliResult]:
    return invoke


def write_program(root: Path, code: str, *, stack: str = STACK) -> Path:
    """A Pulumi Python program dir (Pulumi.yaml, __main__.py, Pulumi.<stack>.yaml) under `root`."""
    program = root / "program"
    program.mkdir(parents=True, exist_ok=True)
    (program / "Pulumi.yaml").write_text("name: foreign\nruntime: python\n")
    (program / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump({"config": {"aws:region": "eu-west-2"}}))
    (program / "__main__.py").write_text(textwrap.dedent(code))
    return program


def isolated_config(path: Path, entries: dict[str, Any] | None = None, keep: tuple[str, ...] = (KMS_POLICY,)) -> Path:
    """A policy config disabling every registered policy but `keep`, plus `entries`."""
    config: dict[str, Any] = {p.name: "disabled" for p in registered_policies() if p.name not in keep}
    config.update(entries or {})
    path.write_text(yaml.safe_dump(config))
    return path


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
