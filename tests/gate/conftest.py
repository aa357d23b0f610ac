"""Fixtures for the gate tests: small foreign Pulumi programs in tmp_path, the `check` CLI, test policies.

The gate evaluates every registered policy, and the pack grows while these tests stand still; so tests
that assert an exit code on a foreign program isolate the KMS rotation policy with a policy config that
disables the others (`isolated_config`), which is itself the CLI semantics under test.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from pulumi_policy import ReportViolation, ResourceValidationArgs
from typer.testing import CliRunner

from policies.base import PolicyMeta, resource_policy
from trustfabric.errors import TrustFabricError
from trustfabric.gate import registered_policies
from trustfabric.gate_cli import register

KMS_POLICY = "aws-kms-key-rotation-enabled"
STACK = "test"

CLEAN_PROGRAM = """
import pulumi_aws as aws

aws.kms.Key("vault-key", description="vault unseal", enable_key_rotation=True)
"""

SEEDED_PROGRAM = """
import pulumi_aws as aws

aws.kms.Key("vault-key", description="vault unseal", enable_key_rotation=True)
aws.kms.Key("ledger-key", description="ledger data")  # seeded: no rotation
"""

UNKNOWN_PROGRAM = """
import pulumi_aws as aws

source = aws.kms.Key("source-key", enable_key_rotation=True)
# Known only after `source-key` exists: unknown in a preview.
rotation = source.rotation_period_in_days.apply(lambda days: days is not None)
aws.kms.Key("derived-key", enable_key_rotation=rotation)
"""


def write_program(root: Path, code: str, *, config: dict[str, Any] | None = None, stack: str = STACK) -> Path:
    """A Pulumi Python program dir (Pulumi.yaml, __main__.py, Pulumi.<stack>.yaml) under `root`."""
    program = root / "program"
    program.mkdir(parents=True, exist_ok=True)
    (program / "Pulumi.yaml").write_text("name: foreign\nruntime: python\n")
    (program / f"Pulumi.{stack}.yaml").write_text(
        yaml.safe_dump({"config": {"aws:region": "eu-west-2", **(config or {})}})
    )
    (program / "__main__.py").write_text(textwrap.dedent(code))
    return program


@pytest.fixture
def program(tmp_path: Path) -> Callable[[str], Path]:
    return lambda code: write_program(tmp_path, code)


@pytest.fixture
def isolated_config(tmp_path: Path) -> Callable[..., Path]:
    """Write a policy config disabling every registered policy but KMS rotation, plus `entries`."""

    def write(entries: dict[str, Any] | None = None, name: str = "policy.yaml") -> Path:
        config: dict[str, Any] = {p.name: "disabled" for p in registered_policies() if p.name != KMS_POLICY}
        config.update(entries or {})
        path = tmp_path / name
        path.write_text(yaml.safe_dump(config))
        return path

    return write


@pytest.fixture
def exemptions_file(tmp_path: Path) -> Callable[[list[dict[str, Any]]], Path]:
    def write(entries: list[dict[str, Any]]) -> Path:
        path = tmp_path / "exemptions.yaml"
        path.write_text(yaml.safe_dump({"exemptions": entries}))
        return path

    return write


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


def _app() -> typer.Typer:
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

    @app.callback()
    def root() -> None:
        """A group, so the command is invoked by name as in the real CLI."""

    register(app)
    return app


@pytest.fixture
def cli() -> Callable[..., CliResult]:
    """Invoke `check` like the real CLI's main(): TrustFabricError becomes `error: <message>` and exit 2."""
    app = _app()
    runner = CliRunner()

    def invoke(*args: str | Path) -> CliResult:
        result = runner.invoke(app, ["check", *(str(arg) for arg in args)])
        if isinstance(result.exception, TrustFabricError):
            return CliResult(2, result.stdout, f"error: {result.exception}\n")
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return CliResult(result.exit_code, result.stdout, result.stderr)

    return invoke


# ------------------------------------------------------------------------------------------------------------
# Test policies (not registered): a configurable one with floors, and a naive one that touches unknown values.

RETENTION_META = PolicyMeta(
    id="TF-TEST-001",
    name="test-log-retention",
    description="Log groups keep events at least as long as the configured minimum.",
    severity="medium",
    topics=("logging",),
    controls={"SOC2": ("CC7.2",), "ISO27001:2022": ("A.8.15",)},
    remediation="Set retention_in_days to at least the configured minimum.",
    config_schema={
        "minimumDays": {"type": "integer", "minimum": 1, "default": 365},
        "minimumTls": {
            "type": "string",
            "enum": ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"],
            "default": "TLSv1.2",
        },
    },
    floors={"minimumDays": 365, "minimumTls": "TLSv1.2"},
)


def _retention(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    minimum = args.get_config()["minimumDays"]
    if (args.props.get("retentionInDays") or 0) < minimum:
        report_violation(f"log group '{args.name}' keeps events less than {minimum:g} days.")


RETENTION_POLICY = resource_policy(RETENTION_META, _retention, ("aws:cloudwatch/logGroup:LogGroup",))

NAIVE_META = PolicyMeta(
    id="TF-TEST-002",
    name="test-naive-rotation",
    description="KMS keys rotate (read without guarding unknown values).",
    severity="low",
    topics=("encryption",),
    controls={"SOC2": ("CC6.1",)},
    remediation="Set enable_key_rotation=True.",
)


def _naive(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.props.get("enableKeyRotation") is not True:  # raises UnknownValueError in a preview
        report_violation(f"KMS key '{args.name}' does not rotate.")


NAIVE_POLICY = resource_policy(NAIVE_META, _naive, ("aws:kms/key:Key",))


def kms_policy() -> Any:
    return next(p for p in registered_policies() if p.name == KMS_POLICY)
