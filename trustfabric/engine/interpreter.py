"""Which interpreter runs a program: the one the Pulumi CLI would run it in.

The Python language host runs a program in `Pulumi.yaml`'s `runtime.options.virtualenv` (resolved against the
program dir); `pulumi install` builds that virtualenv from the program's `requirements.txt`. The engine does the
same, so a program using provider SDKs this toolchain lacks (`pulumi_random`, `pulumi_docker`, ...) can still be
previewed and gated:

- the program's virtualenv is this interpreter's own (our stacks: `virtualenv: .venv`), it names none, or the one
  it names does not exist yet (a fresh clone, without `install`): run in this process (the fast path), and say so;
- it names a virtualenv: run in a child process with that virtualenv's `python`; with `install`, build it first
  from `requirements.txt` when it is missing or its requirements changed;
- it names none but `install` is asked: build one from `requirements.txt` in the cache
  (`$TRUSTFABRIC_CACHE_DIR`, else `~/.cache/trustfabric`), keyed by the requirements' hash, reused between runs.

Anything that makes the interpreter unusable (no such virtualenv, no `requirements.txt`, pip failing) is bad
input in one line naming `Pulumi.yaml` and the key, or `--install`.

Usage::

    from trustfabric.engine.interpreter import choose_interpreter

    interpreter = choose_interpreter(load_project("path/to/program"), install=True)
    print(interpreter.description)
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from .project import Project

INSTALL_TIMEOUT = 900
"""Seconds pip may take to build a program's virtualenv."""
MARKER = ".trustfabric-requirements"
"""In a virtualenv the engine built or installed into: the sha256 of the requirements it was built from."""
HINT = (
    "name the program's virtualenv in Pulumi.yaml runtime.options.virtualenv, or run with --install to build "
    "one from its requirements.txt"
)


@dataclass(frozen=True)
class Interpreter:
    """Where a program runs: this process (`python` None), or a child process with `python`."""

    python: Path | None
    description: str
    """Which interpreter, said as a user reads it: `the program's virtualenv /p/venv (Pulumi.yaml ...)`."""
    missing_module_hint: str = HINT

    @property
    def in_process(self) -> bool:
        return self.python is None


def this_process() -> Interpreter:
    return Interpreter(None, f"the toolchain's interpreter ({sys.prefix}, in this process)")


def cache_root() -> Path:
    """Where virtualenvs built for programs are kept: `$TRUSTFABRIC_CACHE_DIR`, else `~/.cache/trustfabric`."""
    configured = os.environ.get("TRUSTFABRIC_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "trustfabric"


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _is_this_interpreter(venv: Path) -> bool:
    try:
        return venv.resolve() == Path(sys.prefix).resolve()
    except OSError:
        return False


def choose_interpreter(project: Project, *, install: bool = False) -> Interpreter:
    """The interpreter the Pulumi CLI would run `project` in, built first when `install` asks for it."""
    project_file = project.file or project.directory / "Pulumi.yaml"
    requirements = project.directory / "requirements.txt"
    if project.virtualenv is not None:
        venv = project.virtualenv
        if _is_this_interpreter(venv):
            return this_process()
        key = f"{project_file}: runtime.options.virtualenv"
        if install:
            _install(venv, requirements, key, project.toolchain, project_file)
        elif not venv.exists():
            # Not built yet (a fresh clone): this process, saying so; a package it lacks names --install.
            return Interpreter(
                None,
                f"the toolchain's interpreter ({sys.prefix}, in this process; the program's virtualenv {venv} "
                "does not exist yet)",
                f"build the program's virtualenv with --install (from {requirements.name})",
            )
        elif not venv_python(venv).is_file():
            raise ConfigError(
                f"{key}: {venv} is not a virtualenv (no {venv_python(venv).relative_to(venv)}); "
                "rebuild it with --install (from requirements.txt) or pulumi install"
            )
        hint = f"install it into {venv} (pulumi install, or --install after adding it to requirements.txt)"
        return Interpreter(venv_python(venv), f"the program's virtualenv {venv} ({key})", hint)
    if project.toolchain != "pip" and install:
        raise ConfigError(
            f"{project_file}: runtime.options.toolchain: --install builds pip virtualenvs only; build the "
            f"{project.toolchain} environment and name it in runtime.options.virtualenv"
        )
    if not install:
        return this_process()
    if not requirements.is_file():
        raise ConfigError(f"--install: {project.directory} has no requirements.txt to build the virtualenv from")
    venv = cache_root() / f"program-venv-{_digest(requirements)}"
    _install(venv, requirements, "--install", "pip", project_file)
    hint = f"add it to {requirements} (the virtualenv is rebuilt when the file changes)"
    return Interpreter(venv_python(venv), f"a virtualenv built from {requirements} ({venv})", hint)


def _digest(requirements: Path) -> str:
    """The requirements' hash, with this Python's version: a virtualenv is only reused for both."""
    text = requirements.read_bytes() + f"\n# python {sys.version_info[:2]}".encode()
    return hashlib.sha256(text).hexdigest()[:16]


def _install(venv: Path, requirements: Path, key: str, toolchain: str, project_file: Path) -> None:
    """Build `venv` from `requirements` unless it was already built from these same requirements."""
    if toolchain != "pip":
        raise ConfigError(
            f"{project_file}: runtime.options.toolchain: --install builds pip virtualenvs only; build the "
            f"{toolchain} environment yourself"
        )
    if not requirements.is_file():
        raise ConfigError(f"{key}: cannot build {venv}: {requirements} does not exist")
    digest = _digest(requirements)
    marker = venv / MARKER
    if venv_python(venv).is_file() and marker.is_file() and marker.read_text(encoding="utf-8").strip() == digest:
        return
    steps: list[list[str]] = []
    if not venv_python(venv).is_file():
        steps.append([sys.executable, "-m", "venv", str(venv)])
    pip = [str(venv_python(venv)), "-m", "pip", "install", "--disable-pip-version-check", "--quiet"]
    steps.append([*pip, "-r", str(requirements)])
    for step in steps:
        try:
            done = subprocess.run(
                step, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False, cwd=requirements.parent
            )
        except subprocess.TimeoutExpired:
            raise ConfigError(f"{key}: building {venv} took over {INSTALL_TIMEOUT}s; stopped") from None
        except OSError as error:
            raise ConfigError(f"{key}: cannot build {venv}: {error.strerror or error}") from None
        if done.returncode != 0:
            lines = [line.strip() for line in (done.stderr or done.stdout).splitlines() if line.strip()]
            reason = next((line for line in reversed(lines) if line.startswith("ERROR")), lines[-1] if lines else "")
            raise ConfigError(
                f"{key}: cannot build {venv} from {requirements.name}: {reason or f'exit {done.returncode}'}"
            )
    marker.write_text(digest + "\n", encoding="utf-8")


__all__ = ["HINT", "Interpreter", "cache_root", "choose_interpreter", "this_process", "venv_python"]
