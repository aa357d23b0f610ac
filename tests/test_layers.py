"""The dependency rule of docs/architecture.md, enforced: import-linter's contracts in pyproject.toml hold.

A layer importing upward (a component importing the stack, the pack importing the toolchain, the gate importing
the pack) breaks a contract and fails here with import-linter's report naming the import chain.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def contracts() -> list[dict]:
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["importlinter"]["contracts"]


def test_the_layers_are_the_architectures() -> None:
    layers = next(contract for contract in contracts() if contract["type"] == "layers")
    assert layers["layers"] == ["trustfabric", "stacks", "components", "slogen", "domain"]
    forbidden = {
        tuple(contract["source_modules"]): contract for contract in contracts() if contract["type"] == "forbidden"
    }
    assert sorted(forbidden[("policies",)]["forbidden_modules"]) == sorted(layers["layers"])
    assert forbidden[("trustfabric",)]["forbidden_modules"] == ["policies"]
    assert forbidden[("trustfabric",)]["ignore_imports"] == ["trustfabric.cli.common -> policies.registry"]


def test_every_contract_is_kept() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert f"Contracts: {len(contracts())} kept, 0 broken." in result.stdout
