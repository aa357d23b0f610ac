"""The toolchain's layering: only its CLI imports the policy pack; everything else is handed the policies."""

from __future__ import annotations

import ast
from pathlib import Path

import trustfabric

TOOLCHAIN = Path(trustfabric.__file__).parent


def _imports_the_pack(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import) and any(alias.name.split(".")[0] == "policies" for alias in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "policies":
            return True
    return False


def test_only_the_cli_imports_the_policy_pack():
    importers = sorted(str(path.relative_to(TOOLCHAIN)) for path in TOOLCHAIN.rglob("*.py") if _imports_the_pack(path))
    assert importers == ["cli/common.py"]
