"""slogen sits in the bottom layers: it imports the standard library, PyYAML and `domain` only, never Pulumi, the
components, the stacks or the toolchain (so the toolchain, the stacks and any script can use it cheaply)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import slogen

ALLOWED = {"domain", "slogen", "yaml"}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_slogen_imports_only_the_bottom_layers() -> None:
    modules = sorted(Path(slogen.__file__).parent.glob("*.py"))
    assert len(modules) >= 10
    foreign = {
        path.name: sorted(packages)
        for path in modules
        if (packages := imported_packages(path) - ALLOWED - set(sys.stdlib_module_names))
    }
    assert foreign == {}


def test_the_layer_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("import pulumi\nfrom trustfabric.errors import TrustFabricError\nfrom . import sibling\n")
    assert imported_packages(module) - ALLOWED - set(sys.stdlib_module_names) == {"pulumi", "trustfabric"}
