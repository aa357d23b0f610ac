"""Serve the policy pack the way the Pulumi CLI does, from a copy of `policies/` alone, in its own virtualenv.

What `pulumi preview --policy-pack DIR` does for a Python pack (pulumi-language-python `RunPlugin`, analyzer
kind): it runs `<virtualenv>/bin/python -u -m pulumi.policy <engine address> <pack dir>` with the pack
directory as working directory, the virtualenv activated, and the stack's settings in `PULUMI_PROJECT`,
`PULUMI_STACK`, `PULUMI_DRY_RUN`, `PULUMI_ORGANIZATION` and `PULUMI_CONFIG`; the pack prints its gRPC port on
the first line of stdout and the engine talks to it with the Analyzer service.

The virtualenv is built from the pack's `requirements.txt` alone (pip's own configuration decides the index)
and kept between runs in `.cache/pack-venv-<sha256 of requirements.txt>` under the repository root.

Usage::

    venv = pack_virtualenv()
    pack_dir = copy_pack(tmp_path / "trust-fabric-v0.1.0")
    with served_pack(venv, pack_dir, project="fixture", stack="test") as stub:
        info = stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=RPC_TIMEOUT)
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import grpc
import pytest
from pulumi.runtime.proto import analyzer_pb2_grpc

from tests.conftest import checkout_lock

REPO_ROOT = Path(__file__).resolve().parents[2]
PACK_SOURCE = REPO_ROOT / "policies"
CACHE_DIR = REPO_ROOT / ".cache"
BUILD_TIMEOUT = 900
START_TIMEOUT = 90
RPC_TIMEOUT = 60
ENGINE_ADDRESS = "127.0.0.1:1"
"""The engine's address argument; a pack only calls the engine to log an unhandled error."""


def pack_virtualenv() -> Path:
    """The pack's virtualenv, built from `policies/requirements.txt` on first use and cached by its hash.

    A virtualenv that cannot be built fails the calling test with one line (never a skip)."""
    requirements = PACK_SOURCE / "requirements.txt"
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()
    venv = CACHE_DIR / f"pack-venv-{digest}"
    with checkout_lock(venv.name):  # one build, whichever worker (or run in this checkout) asks first
        return _build_pack_virtualenv(venv, requirements)


def _build_pack_virtualenv(venv: Path, requirements: Path) -> Path:
    marker = venv / ".complete"
    if marker.is_file():
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check", "--quiet"]
    steps = ([sys.executable, "-m", "venv", str(venv)], [*pip, "-r", str(requirements)])
    for step in steps:
        try:
            done = subprocess.run(step, capture_output=True, text=True, timeout=BUILD_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            pytest.fail(f"cannot build the pack's virtualenv: {' '.join(step[-3:])} ran over {BUILD_TIMEOUT}s")
        if done.returncode != 0:
            lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
            reason = lines[-1].strip() if lines else f"exit {done.returncode}"
            pytest.fail(f"cannot build the pack's virtualenv from {requirements.name}: {reason}", pytrace=False)
    marker.write_text(requirements.read_text(encoding="utf-8"), encoding="utf-8")
    return venv


def copy_pack(target: Path, exemptions: str | None = None) -> Path:
    """`policies/` copied alone to `target` (caches and any local virtualenv left out); `exemptions` replaces the
    copy's exemptions.yaml when given."""
    shutil.copytree(PACK_SOURCE, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "venv"))
    if exemptions is not None:
        (target / "exemptions.yaml").write_text(exemptions, encoding="utf-8")
    return target


def pack_environment(venv: Path, project: str, stack: str, config: Mapping[str, Any]) -> dict[str, str]:
    """The environment the language host gives a policy pack: the virtualenv activated, the stack's settings."""
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(
        VIRTUAL_ENV=str(venv),
        PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        PULUMI_ORGANIZATION="organization",
        PULUMI_PROJECT=project,
        PULUMI_STACK=stack,
        PULUMI_DRY_RUN="true",
        PULUMI_CONFIG=json.dumps(dict(config)),
    )
    return env


@dataclass
class PackProcess:
    """A served pack's process and the file its stderr goes to (a pipe nobody reads could fill up and stall it)."""

    process: subprocess.Popen[bytes]
    stderr: IO[bytes]

    def stderr_text(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.stderr.close()

    def read_port(self, timeout: float = START_TIMEOUT) -> int:
        """The port the pack prints on its first stdout line; fails the test with the pack's last stderr line
        when it exits or stays silent instead."""
        lines: queue.Queue[bytes] = queue.Queue()
        stdout = self.process.stdout
        assert stdout is not None
        threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
        try:
            first = lines.get(timeout=timeout)
        except queue.Empty:
            pytest.fail(f"the pack printed no port within {timeout}s", pytrace=False)
        if not first.strip().isdigit():
            self.process.wait(timeout=RPC_TIMEOUT)
            error = self.stderr_text().strip().splitlines()
            pytest.fail(
                f"the pack did not start (exit {self.process.returncode}): {error[-1] if error else ''}", pytrace=False
            )
        return int(first)


def start_pack(venv: Path, pack_dir: Path, env: Mapping[str, str]) -> PackProcess:
    """Start the pack as the CLI does; the caller must stop it."""
    command = [str(venv / "bin" / "python"), "-u", "-m", "pulumi.policy", ENGINE_ADDRESS, str(pack_dir)]
    stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed by PackProcess.stop
    process = subprocess.Popen(
        command, cwd=pack_dir, env=dict(env), stdout=subprocess.PIPE, stderr=stderr, start_new_session=True
    )
    return PackProcess(process, stderr)


@contextlib.contextmanager
def served_pack(
    venv: Path, pack_dir: Path, *, project: str, stack: str, config: Mapping[str, Any] | None = None
) -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    """The served pack's Analyzer stub; the pack is stopped on exit."""
    pack = start_pack(venv, pack_dir, pack_environment(venv, project, stack, config or {}))
    try:
        port = pack.read_port()
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            grpc.channel_ready_future(channel).result(timeout=RPC_TIMEOUT)
            yield analyzer_pb2_grpc.AnalyzerStub(channel)
    finally:
        pack.stop()
