"""Where the toolchain finds this repository's files: computed once, imported everywhere.

Usage::

    from trustfabric.paths import REPO_ROOT, default_program_dir

    program = default_program_dir()   # the current dir when it is a Pulumi project, else REPO_ROOT
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
"""The repository root: the Pulumi program (Pulumi.yaml, stacks/) and everything beside it."""

DEFAULT_EXEMPTIONS = REPO_ROOT / "policies" / "exemptions.yaml"
DEFAULT_CHECKOV_SUPPRESSIONS = REPO_ROOT / "checkov-suppressions.yaml"
CHECKOV_VENV = REPO_ROOT / ".venv-checkov"
GOLDEN_DIR = REPO_ROOT / "tests" / "golden"
POLICY_DOCS = REPO_ROOT / "docs" / "policies.md"
CONTROL_CATALOG = REPO_ROOT / "compliance" / "controls.yaml"
REPORTS_DIR = REPO_ROOT / "reports"
PYPROJECT = REPO_ROOT / "pyproject.toml"


def default_program_dir() -> Path:
    """The current directory when it is a Pulumi project, else this repository's root."""
    cwd = Path.cwd()
    if (cwd / "Pulumi.yaml").is_file() or (cwd / "Pulumi.yml").is_file():
        return cwd
    return REPO_ROOT


__all__ = [
    "CHECKOV_VENV",
    "CONTROL_CATALOG",
    "DEFAULT_CHECKOV_SUPPRESSIONS",
    "DEFAULT_EXEMPTIONS",
    "GOLDEN_DIR",
    "POLICY_DOCS",
    "PYPROJECT",
    "REPORTS_DIR",
    "REPO_ROOT",
    "default_program_dir",
]
