"""Running a program in its own interpreter: a child process that installs the mocks and streams back what the
program registers.

The Pulumi CLI runs a Python program in the program's virtualenv; so does the engine when the program names one
(`trustfabric.engine.interpreter`). The child is that virtualenv's `python`, started with a small bootstrap that
loads only this module and `session` (with `monitor`, `mocks`, `wire` and `trustfabric.graph`: the standard
library and the `pulumi` SDK the program's virtualenv has) straight from the toolchain's source, without putting
the toolchain on the program's `sys.path`. The conversation:

- the toolchain writes the `RunRequest` as JSON on the child's stdin;
- the child runs the program (`session.record_program`) and writes one JSON line per event on a pipe of its own
  (`{"resource": ...}` as each registration happens, then `{"done": ...}` with the outputs, or
  `{"failed": "one line"}`);
- whatever the program prints, on stdout or stderr, reaches the toolchain's stderr (stdout is the report's).

A child that ends without `done` (the program called `os._exit`, was killed, or its interpreter has no Pulumi
SDK) is a program that did not run to completion: ProgramFailed, one line naming the interpreter and the status.
The graph, the gate and every reporter stay in the toolchain.

Usage::

    from trustfabric.engine.child import run_in_child

    recording = run_in_child(request, interpreter)     # a session.Recording, as record_program returns
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ..graph import Resource
from .session import ProgramFailed, Recording, RunRequest, record_program

if TYPE_CHECKING:
    from .interpreter import Interpreter

TOOLCHAIN_ROOT = Path(__file__).resolve().parents[2]
"""The directory holding the `trustfabric` package the child loads its side of the conversation from."""

BOOTSTRAP = """\
import sys, types
root = sys.argv[1]
for name in ("trustfabric", "trustfabric.engine"):
    package = types.ModuleType(name)
    package.__path__ = [root + "/" + name.replace(".", "/")]
    sys.modules[name] = package
from trustfabric.engine import child
for name in [name for name in sys.modules if name == "trustfabric" or name.startswith("trustfabric.")]:
    del sys.modules[name]
sys.exit(child.serve(int(sys.argv[2])))
"""
"""Loads this module without running `trustfabric/__init__` or `trustfabric/engine/__init__` (which import the
rest of the toolchain), then forgets the package names so the program may have modules of the same name."""


# The child's side.


def _resource_message(record: Resource) -> dict[str, Any]:
    """A registration as it crosses the pipe: the graph's own form, secrets still marked but not redacted (the
    toolchain conceals and redacts, as it does for an in-process run)."""
    data = record.to_dict()
    data["inputs"] = record.inputs
    data["outputs"] = record.outputs
    return data


def serve(channel_fd: int) -> int:
    """The child: read the request on stdin, run the program, report on `channel_fd`; the exit status."""
    request = RunRequest.from_dict(json.loads(sys.stdin.read()))
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    # The program's prints go where its warnings go: the toolchain relays both to its stderr.
    sys.stdout.flush()
    os.dup2(2, 1)
    channel = os.fdopen(channel_fd, "w", encoding="utf-8")
    lock = threading.Lock()

    def send(message: dict[str, Any]) -> None:
        line = json.dumps(message, separators=(",", ":"))
        with lock:
            channel.write(line + "\n")

    def listener(kind: str, value: Any) -> None:
        if kind == "resource":
            send({"resource": _resource_message(value)})

    try:
        import pulumi  # noqa: F401 - the program's virtualenv must have the SDK
    except ImportError:
        send({"failed": f"{sys.executable} has no Pulumi SDK (import pulumi failed); add pulumi to requirements.txt"})
        channel.close()
        return 1
    status = 0
    try:
        recording = record_program(request, listener=listener)
        send(
            {
                "done": {
                    "stack_urn": recording.stack_urn,
                    "stack_outputs": recording.stack_outputs,
                    "outputs": {urn: r.outputs for urn, r in recording.records.items() if r.outputs},
                    "duplicates": recording.duplicates,
                }
            }
        )
    except ProgramFailed as failure:
        send({"failed": str(failure), "bare": failure.bare})
        status = 1
    except Exception as error:
        send({"failed": f"the engine failed in the child process: {type(error).__name__}: {error}"})
        status = 1
    channel.close()
    return status


# The toolchain's side.


def child_environment(python: Path) -> dict[str, str]:
    """The environment the language host gives a program: its virtualenv activated, no PYTHONHOME."""
    venv = python.parent.parent
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONHOME", "__PYVENV_LAUNCHER__")}
    env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = f"{python.parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _relay(stream: IO[bytes]) -> None:
    """The child's output, line by line, to our stderr (whatever sys.stderr is at the time)."""
    for line in iter(stream.readline, b""):
        try:
            sys.stderr.write(line.decode("utf-8", errors="replace"))
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
    stream.close()


def _status(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"was killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"was killed by signal {-returncode}"
    return f"exited with status {returncode}"


def run_in_child(request: RunRequest, interpreter: Interpreter) -> Recording:
    """Run the program `request` names with `interpreter.python` in a child process; what it registered."""
    python = interpreter.python
    if python is None:
        raise ValueError("run_in_child needs an interpreter of its own")
    read_fd, write_fd = os.pipe()
    try:
        process = subprocess.Popen(
            [str(python), "-u", "-c", BOOTSTRAP, str(TOOLCHAIN_ROOT), str(write_fd)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            pass_fds=(write_fd,),
            cwd=request.program_dir,
            env=child_environment(python),
        )
    except OSError as error:
        os.close(read_fd)
        os.close(write_fd)
        raise ProgramFailed(f"cannot start {interpreter.description}: {error.strerror or error}") from None
    os.close(write_fd)
    assert process.stdin is not None and process.stdout is not None
    relay = threading.Thread(target=_relay, args=(process.stdout,), name="trustfabric-child-output", daemon=True)
    relay.start()
    try:
        process.stdin.write(json.dumps(request.to_dict()).encode())
        process.stdin.close()
    except BrokenPipeError:
        pass
    recording = Recording()
    outcome: dict[str, Any] = {}
    with os.fdopen(read_fd, "r", encoding="utf-8") as channel:
        for line in channel:
            message = json.loads(line)
            if "resource" in message:
                record = Resource.from_dict(message["resource"])
                if record.urn in recording.records:
                    recording.duplicates.append(record.urn)
                recording.records[record.urn] = record
            else:
                outcome = message
    returncode = process.wait()
    relay.join(timeout=10)
    if "failed" in outcome:
        raise ProgramFailed(str(outcome["failed"]), bare=bool(outcome.get("bare")))
    if "done" not in outcome or returncode != 0:
        raise ProgramFailed(
            f"the program {_status(returncode)} in {interpreter.description} before it ran to completion; "
            "a program that does not run to completion fails the gate"
        )
    done = outcome["done"]
    for urn, outputs in dict(done.get("outputs") or {}).items():
        if urn in recording.records:
            recording.records[urn].outputs = dict(outputs)
    recording.stack_urn = str(done.get("stack_urn") or "")
    recording.stack_outputs = dict(done.get("stack_outputs") or {})
    recording.duplicates = sorted(set(recording.duplicates) | set(done.get("duplicates") or ()))
    recording.records = {urn: recording.records[urn] for urn in sorted(recording.records)}
    return recording


__all__ = ["BOOTSTRAP", "TOOLCHAIN_ROOT", "child_environment", "run_in_child", "serve"]
