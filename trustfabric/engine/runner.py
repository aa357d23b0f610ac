"""Running a program: any Pulumi Python program, under the SDK's own mock runtime, recorded as a ResourceGraph.

The program runs exactly as the Python language host runs it (`trustfabric.engine.session`), with its
`Pulumi.<stack>.yaml` config set the way the CLI sets it; only the resource monitor is the SDK's `MockMonitor`,
extended to record what the real engine would receive. Nothing is sent anywhere.

Where it runs (`trustfabric.engine.interpreter`): in this process (the fast path: our own stacks, and any program
that names no interpreter of its own), or, as the Pulumi CLI does, in the program's own virtualenv
(`Pulumi.yaml` `runtime.options.virtualenv`, or one built from its `requirements.txt` with `install=True`): a
child process installs the mocks there and streams its registrations back (`trustfabric.engine.child`); the
graph, the gate and the reporters stay here.

A program that does not run to completion (it calls `sys.exit`, whatever the status, or its process dies) is
bad input naming the program: never an empty or partial graph. Whatever the program prints goes to stderr, so
stdout stays the report's.

Usage::

    from trustfabric.engine import run_program

    graph = run_program("path/to/program", "prod")
    for resource in graph.custom_resources:
        print(resource.type, resource.name, resource.region)
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from typing import Any

from ..errors import ConfigError, ProgramError, TrustFabricError
from ..graph import SECRET_SIG, SIG_KEY, Resource, ResourceGraph
from .interpreter import Interpreter, choose_interpreter
from .plaintext import conceal
from .project import Project, StackConfig, load_project, load_stack_config
from .session import ProgramFailed, Recording, RunRequest, record_program


def run_request(project: Project, config: StackConfig, stack: str, *, preview: bool = True) -> RunRequest:
    """What one run of `project` for `stack` needs, as plain data."""
    return RunRequest(
        project=project.name,
        program_dir=str(project.directory),
        entry=str(project.main),
        stack=stack,
        config=dict(config.values),
        secret_keys=tuple(sorted(config.secret_keys)),
        preview=preview,
    )


@contextlib.contextmanager
def program_output_to_stderr() -> Iterator[None]:
    """Everything the program prints goes to stderr, `print` and child processes alike: stdout is the report's
    (`--format json` stays valid JSON)."""
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
    saved: int | None = None
    try:
        if sys.__stdout__ is not None and sys.__stdout__.fileno() == 1:
            sys.__stdout__.flush()
            saved = os.dup(1)
            os.dup2(2, 1)
    except (OSError, ValueError, AttributeError):
        saved = None
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
        if saved is not None:
            os.dup2(saved, 1)
            os.close(saved)


def _in_process(request: RunRequest, transformations: Sequence[Any]) -> Recording:
    with program_output_to_stderr():
        return record_program(request, transformations, passthrough=(TrustFabricError,))


def run_program(
    program_dir: str | os.PathLike[str],
    stack: str,
    *,
    preview: bool = True,
    transformations: Sequence[Any] = (),
    interpreter: Interpreter | None = None,
    install: bool = False,
) -> ResourceGraph:
    """Run the program in `program_dir` for `stack` under the mock runtime and return what it declared.

    `transformations` are Pulumi stack transformations (`pulumi.ResourceTransformationArgs` ->
    `ResourceTransformationResult | None`) registered before the program runs: the SDK applies them to every
    resource as it is declared, which is how tests mutate a real stack to prove the gate catches a change (they
    need the in-process run). `interpreter` is where the program runs; by default the one its `Pulumi.yaml`
    names (`choose_interpreter`, building the virtualenv from `requirements.txt` when `install`), else this
    process.

    Raises ConfigError for unreadable or malformed project/stack files or an interpreter that cannot be used,
    and ProgramError when the program itself fails or does not run to completion (the message names the
    program, and the resource or config key involved).
    """
    project = load_project(program_dir)
    config = load_stack_config(project, stack)
    where = interpreter or choose_interpreter(project, install=install)
    request = run_request(project, config, stack, preview=preview)
    try:
        if where.in_process:
            recording = _in_process(request, transformations)
        else:
            if transformations:
                raise ConfigError("transformations need the in-process run; they cannot cross to a child process")
            from .child import run_in_child

            recording = run_in_child(request, where)
    except ProgramFailed as failure:
        message = str(failure)
        if not failure.bare:
            message = f"{project.name} ({stack}): {message}"
        raise ProgramError(_hint_missing_module(failure, message, where)) from failure.__cause__
    return _graph(recording, project, config, stack)


def _hint_missing_module(failure: ProgramFailed, message: str, where: Interpreter) -> str:
    """A program importing a package this interpreter lacks: say which interpreter, and how to give it one."""
    if "ModuleNotFoundError" not in message:
        return message
    return f"{message}; {where.description} lacks it: {where.missing_module_hint}"


def _graph(recording: Recording, project: Project, config: StackConfig, stack: str) -> ResourceGraph:
    if recording.duplicates:
        raise ProgramError(f"{project.name} ({stack}): duplicate resource URN {recording.duplicates[0]}")
    return ResourceGraph(
        project=project.name,
        stack=stack,
        program_dir=str(project.directory),
        resources={urn: _concealed(recording.records[urn], config.secret_values) for urn in sorted(recording.records)},
        outputs=conceal(recording.stack_outputs, config.secret_values),
        config=config.redacted(),
        stack_urn=recording.stack_urn,
    )


def _concealed(resource: Resource, secrets: frozenset[str]) -> Resource:
    """The resource with every input or output holding a secret config value marked secret."""
    if not secrets:
        return resource
    resource.inputs = conceal(resource.inputs, secrets)
    resource.outputs = conceal(resource.outputs, secrets)
    return resource


def secret_value(value: Any) -> Any:
    """Wrap a plain value the way the wire form marks a secret (for tests and fixtures)."""
    return {SIG_KEY: SECRET_SIG, "value": value}


__all__ = ["program_output_to_stderr", "run_program", "run_request", "secret_value"]
