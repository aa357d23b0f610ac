"""Fixtures for the toolchain's tests: foreign programs in tmp_path, policy configs, exemptions, `check`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.trustfabric.helpers import CliResult, invoke, write_isolated_config, write_program


@pytest.fixture
def program(tmp_path: Path) -> Callable[[str], Path]:
    return lambda code: write_program(tmp_path, code)


@pytest.fixture
def isolated_config(tmp_path: Path) -> Callable[..., Path]:
    """Write a policy config disabling every policy of the pack but KMS rotation, plus `entries`."""

    def write(entries: dict[str, Any] | None = None, name: str = "policy.yaml") -> Path:
        return write_isolated_config(tmp_path / name, entries)

    return write


@pytest.fixture
def exemptions_file(tmp_path: Path) -> Callable[[list[dict[str, Any]]], Path]:
    def write(entries: list[dict[str, Any]]) -> Path:
        path = tmp_path / "exemptions.yaml"
        path.write_text(yaml.safe_dump({"exemptions": entries}))
        return path

    return write


@pytest.fixture
def cli() -> Callable[..., CliResult]:
    """Invoke `check` like the real CLI's main(): TrustFabricError becomes `error: <message>` and exit 2."""
    return lambda *args: invoke("check", *args)


@pytest.fixture
def run_check(program, isolated_config, exemptions_file, cli) -> Callable[..., CliResult]:
    """`check --stack test` on a foreign program with `--policy-config` (the KMS policy isolated, plus
    `config` entries; the whole pack when `isolated` is False) and `--exemptions` (`exemptions` entries),
    then `extra` arguments."""

    def run(
        code: str,
        *extra: str | Path,
        config: dict[str, Any] | None = None,
        exemptions: list[dict[str, Any]] | None = None,
        isolated: bool = True,
    ) -> CliResult:
        args: list[str | Path] = ["--stack", "test", "--program", program(code)]
        if isolated:
            args += ["--policy-config", isolated_config(config)]
        args += ["--exemptions", exemptions_file(exemptions or [])]
        return cli(*args, *extra)

    return run
