"""Scaffolding the toolchain's tests share: small foreign Pulumi programs, the pack, and the real CLI in-process.

The gate evaluates every policy of the pack, and the pack grows while these tests stand still; so tests that
assert an exit code on a foreign program isolate the KMS rotation policy with a policy config that disables
the others (`isolated_config`), which is itself the CLI semantics under test.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from policies.registry import all_policies
from trustfabric.cli import app
from trustfabric.errors import TrustFabricError

KMS_POLICY = "aws-kms-key-rotation-enabled"
LIVE_UNTIL = (dt.date.today() + dt.timedelta(days=30)).isoformat()
"""An expiry that is live today and within every reviewed file's maximum lifetime (at least 7 days)."""
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


def pack_policies() -> list[Any]:
    """Every policy of the pack, as the CLI hands them to the gate."""
    return list(all_policies())


def kms_policy() -> Any:
    return next(p for p in all_policies() if p.name == KMS_POLICY)


def exemption_entry(**overrides: Any) -> dict[str, Any]:
    """A live exemption of the KMS rotation policy on ledger-key (the seeded violation), with `overrides`."""
    return {
        "policy": KMS_POLICY,
        "resource": "ledger-key",
        "reason": "Imported key material cannot rotate; replaced in TF-123.",
        "approver": "security@example.com",
        "expires": LIVE_UNTIL,
        **overrides,
    }


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


def write_isolated_config(
    path: Path, entries: dict[str, Any] | None = None, keep: tuple[str, ...] = (KMS_POLICY,)
) -> Path:
    """A policy config disabling every policy of the pack but `keep`, plus `entries`."""
    config: dict[str, Any] = {p.name: "disabled" for p in all_policies() if p.name not in keep}
    config.update(entries or {})
    path.write_text(yaml.safe_dump(config))
    return path


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


def invoke(*args: str | Path) -> CliResult:
    """Run the real CLI like its main(): TrustFabricError becomes `error: <message>` and exit 2."""
    result = CliRunner().invoke(app, [str(arg) for arg in args])
    if isinstance(result.exception, TrustFabricError):
        return CliResult(2, result.stdout, f"error: {result.exception}\n")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return CliResult(result.exit_code, result.stdout, result.stderr)
