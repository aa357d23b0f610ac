"""The hashed locks agree with the pins: every runtime pin of pyproject.toml is in runtime.lock and dev.lock at
the same version, every dev pin in dev.lock, checkov's pin in checkov.lock; every locked package is pinned
exactly and carries hashes; `make setup` installs from the locks with --require-hashes."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from tests.workflows.conftest import REPO_ROOT

LOCKS = REPO_ROOT / "requirements"
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==(?P<version>[^\s;\\]+)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(requirements: list[str]) -> dict[str, str]:
    """name -> version of `name==version` requirements (extras and comments ignored)."""
    found = {}
    for requirement in requirements:
        match = PIN.match(requirement.split("#", 1)[0].strip())
        assert match, f"{requirement!r} is not pinned exactly (name==version)"
        found[canonical(match["name"])] = match["version"]
    return found


def locked(lock: Path) -> dict[str, str]:
    """name -> version of every package in a lock; asserts each entry carries at least one sha256 hash."""
    entries = re.split(r"\n(?=[A-Za-z0-9])", lock.read_text(encoding="utf-8"))
    found = {}
    for entry in entries:
        if entry.startswith("#") or not entry.strip():
            continue
        match = PIN.match(entry)
        assert match, f"{lock.name}: {entry.splitlines()[0]!r} is not pinned exactly"
        assert "--hash=sha256:" in entry, f"{lock.name}: {match['name']} has no hash"
        found[canonical(match["name"])] = match["version"]
    return found


PROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
RUNTIME = pins(PROJECT["dependencies"])
DEV = pins(PROJECT["optional-dependencies"]["dev"])
CHECKOV = pins(
    [
        line
        for line in (REPO_ROOT / "requirements-checkov.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
)


@pytest.mark.parametrize("lock", ["runtime.lock", "dev.lock"])
def test_every_runtime_pin_is_locked_at_its_version(lock):
    in_lock = locked(LOCKS / lock)
    assert {name: in_lock.get(name) for name in RUNTIME} == RUNTIME


def test_every_dev_pin_is_locked_at_its_version():
    in_lock = locked(LOCKS / "dev.lock")
    assert {name: in_lock.get(name) for name in DEV} == DEV


def test_the_runtime_lock_holds_no_dev_tool():
    assert set(DEV) & set(locked(LOCKS / "runtime.lock")) == set()


def test_checkov_is_locked_at_its_pin():
    in_lock = locked(LOCKS / "checkov.lock")
    assert {"checkov": in_lock["checkov"]} == CHECKOV


def test_each_lock_records_the_command_make_lock_runs():
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    compile_flags = re.search(r"^UV_COMPILE := \$\(BIN\)/uv (pip compile .+)$", makefile, re.MULTILINE)
    assert compile_flags
    sources = {
        "runtime.lock": "pyproject.toml",
        "dev.lock": "pyproject.toml --extra dev",
        "checkov.lock": "requirements-checkov.txt",
    }
    for lock, source in sources.items():
        header = (LOCKS / lock).read_text(encoding="utf-8").splitlines()[1].strip()
        assert header == f"#    uv {compile_flags[1]} {source} -o requirements/{lock}"
        assert f"$(UV_COMPILE) {source} -o $(LOCK_DIR)/{lock}" in makefile


def test_setup_installs_the_locks_with_hashes_required():
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    assert "--require-hashes -r $(LOCK_DIR)/dev.lock" in makefile
    assert "--no-deps -e ." in makefile
    assert "--require-hashes -r $(LOCK_DIR)/checkov.lock" in makefile
