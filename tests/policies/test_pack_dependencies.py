"""The pack is self-contained: it imports nothing from the rest of the repository, and its requirements.txt
covers every third-party module it imports, pinned exactly as pyproject.toml pins the project."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from functools import cache
from importlib.metadata import packages_distributions
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PACK = REPO_ROOT / "policies"
REPOSITORY_PACKAGES = ("trustfabric", "domain", "components", "stacks", "tests", "bench")
LAUNCHER = "pulumi"
"""The CLI starts a Python pack with `python -m pulumi.policy`: the pulumi SDK is required even unimported."""


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@cache
def pack_imports() -> dict[str, set[str]]:
    """Top-level module imported -> the pack files importing it (absolute imports only)."""
    found: dict[str, set[str]] = {}
    for path in sorted(PACK.rglob("*.py")):
        if {"venv", "__pycache__"} & set(path.relative_to(PACK).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                found.setdefault(module.split(".")[0], set()).add(str(path.relative_to(REPO_ROOT)))
    return found


def requirements() -> dict[str, str]:
    """The pack's requirements: canonical name -> pinned version; every line must be `name==version`."""
    pins = {}
    for line in (PACK / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s=<>!~;]+)", line)
        assert match is not None, f"policies/requirements.txt: {line!r} is not pinned as name==version"
        pins[canonical(match.group(1))] = match.group(2)
    return pins


def test_the_pack_imports_nothing_from_the_rest_of_the_repository():
    offenders = sorted(
        f"{file}: imports {module}"
        for module, files in pack_imports().items()
        if module in REPOSITORY_PACKAGES
        for file in files
    )
    assert offenders == []


def test_requirements_cover_every_third_party_import_of_the_pack():
    third_party = sorted(
        module for module in pack_imports() if module not in sys.stdlib_module_names and module != "policies"
    )
    assert "pulumi_policy" in third_party and "yaml" in third_party
    distributions = packages_distributions()
    pinned = requirements()
    uncovered = [
        f"{module} ({', '.join(distributions.get(module, ['no installed distribution']))})"
        for module in third_party
        if not any(canonical(dist) in pinned for dist in distributions.get(module, []))
    ]
    assert uncovered == [], "add these to policies/requirements.txt"
    assert LAUNCHER in pinned


def test_requirements_are_pinned_as_pyproject_pins_the_project():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = {}
    for dependency in project["dependencies"]:
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", dependency.strip())
        if match is not None:
            pins[canonical(match.group(1))] = match.group(2)
    pack = requirements()
    assert {name: pins.get(name, "not pinned in pyproject.toml") for name in pack} == pack


def test_the_pack_does_not_need_pulumi_aws_at_run_time():
    assert "pulumi_aws" not in pack_imports()
    assert "pulumi-aws" not in requirements()


def test_the_cli_runs_the_pack_in_a_virtualenv_inside_it_built_from_its_requirements():
    import yaml

    project = yaml.safe_load((PACK / "PulumiPolicy.yaml").read_text(encoding="utf-8"))
    assert project["runtime"]["name"] == "python"
    virtualenv = Path(project["runtime"]["options"]["virtualenv"])
    assert not virtualenv.is_absolute() and ".." not in virtualenv.parts  # a published pack has no parent to use
    ignored = (PACK / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert f"{virtualenv}/" in ignored  # kept out of git and of the archive `pulumi policy publish` uploads
