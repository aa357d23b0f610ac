"""One run of a program under the SDK's mock runtime, recorded: the part shared by both ways the engine runs it.

The toolchain runs a program either in its own process (our stacks: the fast path) or in a child process in the
program's own interpreter (`trustfabric.engine.child`); both call `record_program` with a `RunRequest` (plain
JSON data, so it crosses the process boundary) and get a `Recording` back. This module and the ones it imports
(`monitor`, `mocks`, `wire`, `trustfabric.graph`) use only the standard library and what a Pulumi program's own
virtualenv has (the `pulumi` SDK and its protobuf), never the rest of the toolchain.

The program runs exactly as the Python language host runs it (`runpy` of `main:` inside `run_in_stack`), with
its config set the way the CLI sets it, in a fresh thread with an empty `contextvars.Context` (where the SDK keeps
its settings, config and root stack); its own modules are unloaded afterwards, so several runs in one process do
not leak into each other. A program that stops before it runs to completion (`sys.exit`, any status) raises
`ProgramIncomplete`; any other failure raises `ProgramFailed` with one line naming the resource, config key or
source line involved.

Usage::

    from trustfabric.engine.session import RunRequest, record_program

    recording = record_program(RunRequest(project="p", program_dir="/p", entry="/p/__main__.py", stack="dev",
                                          config={"aws:region": "eu-west-2"}))
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import gc
import os
import runpy
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ..graph import Resource
from .mocks import RecordingMocks
from .monitor import create_monitor

Listener = Callable[[str, Any], None]
"""Told of every registration as it happens: ("resource", Resource) and ("outputs", (urn, outputs))."""


@dataclass(frozen=True)
class RunRequest:
    """What one run needs, as plain data (it is sent to a child process as JSON)."""

    project: str
    program_dir: str
    entry: str
    """The file the language host runs (`main:`, or the program dir's `__main__.py`)."""
    stack: str
    config: dict[str, str] = field(default_factory=dict)
    """Namespaced keys (`aws:region`), string values, as the CLI passes them."""
    secret_keys: tuple[str, ...] = ()
    preview: bool = True

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunRequest:
        return cls(
            project=str(data["project"]),
            program_dir=str(data["program_dir"]),
            entry=str(data["entry"]),
            stack=str(data["stack"]),
            config={str(k): str(v) for k, v in dict(data.get("config") or {}).items()},
            secret_keys=tuple(str(k) for k in data.get("secret_keys") or ()),
            preview=bool(data.get("preview", True)),
        )


@dataclass
class Recording:
    """What the program registered: every resource, the stack's outputs, URNs registered twice."""

    records: dict[str, Resource] = field(default_factory=dict)
    stack_urn: str = ""
    stack_outputs: dict[str, Any] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)


class ProgramFailed(Exception):
    """The program failed; the message is one line naming what failed. `bare` when it already names the
    program and stack (the SDK's own RunError), so the caller adds nothing."""

    def __init__(self, message: str, *, bare: bool = False) -> None:
        super().__init__(message)
        self.bare = bare


class ProgramIncomplete(ProgramFailed):
    """The program stopped (`sys.exit`) before it ran to completion: whatever it declared is not the stack."""


def describe_failure(error: BaseException, program_dir: str) -> str:
    """One line naming what failed: the resource being declared, or the config key, and the program's words."""
    import pulumi

    message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if isinstance(error, pulumi.RunError):
        return message
    if isinstance(error, pulumi.ConfigMissingError):
        return f"missing required config key {error.key!r}"
    if isinstance(error, pulumi.ConfigTypeError):
        return f"config key {error.key!r}: {message}"
    where = ""
    location = _program_location(error, program_dir)
    for frame, _lineno in traceback.walk_tb(error.__traceback__):
        self_obj = frame.f_locals.get("self")
        if (
            frame.f_code.co_name == "__init__"
            and isinstance(self_obj, pulumi.Resource)
            and isinstance(frame.f_locals.get("resource_name", frame.f_locals.get("name")), str)
        ):
            name = frame.f_locals.get("resource_name", frame.f_locals.get("name"))
            where = f" while declaring {type(self_obj).__name__} {name!r}"
    return f"{type(error).__name__}{where}: {message}{location}"


def _program_location(error: BaseException, program_dir: str) -> str:
    """` (file:line)`: the innermost line of the program's own source the error passed through, or ''."""
    location = ""
    for frame, lineno in traceback.walk_tb(error.__traceback__):
        code_file = frame.f_code.co_filename
        if code_file.startswith(program_dir) and "site-packages" not in code_file:
            location = f" ({os.path.relpath(code_file, program_dir)}:{lineno})"
    return location


class HardExit(SystemExit):
    """Raised by `os._exit` while a program runs in the toolchain's process (`_hard_exits_raise`)."""


@contextlib.contextmanager
def _hard_exits_raise() -> Iterator[None]:
    """`os._exit` called by the program (in this process, not in a process it forked) raises HardExit instead
    of ending the toolchain with the program's status and no report."""
    real_exit = os._exit
    pid = os.getpid()

    def guarded_exit(status: int) -> None:
        if os.getpid() != pid:
            real_exit(status)
        raise HardExit(status)

    os._exit = guarded_exit  # type: ignore[assignment]
    try:
        yield
    finally:
        os._exit = real_exit


def _incomplete(error: SystemExit, program_dir: str) -> ProgramIncomplete:
    code = error.code
    function = "os._exit" if isinstance(error, HardExit) else "sys.exit"
    status = f"{function}()" if code is None else f"{function}({code!r})"
    return ProgramIncomplete(
        f"the program called {status}{_program_location(error, program_dir)} before it ran to completion; "
        "a program that does not run to completion fails the gate"
    )


def _configure_sdk(monitor: Any, request: RunRequest) -> None:
    """The SDK's settings for a mock run, passing only the arguments this SDK version's MockSettings takes."""
    import inspect

    from pulumi.runtime import mocks as sdk_mocks
    from pulumi.runtime import settings as sdk_settings

    wanted: dict[str, Any] = {
        "monitor": monitor,
        "monitor_features": set(monitor.GetDeploymentInfo(None).supportedFeatures),
        "engine": sdk_mocks.MockEngine(None),
        "project": request.project,
        "stack": request.stack,
        "dry_run": request.preview,
        "organization": "organization",
        "root_directory": request.program_dir,
        "callbacks": None,
        "package_refs": {},
        "base_providers_by_ref": {},
    }
    parameters = inspect.signature(sdk_mocks.MockSettings).parameters
    if not any(parameter.kind is inspect.Parameter.VAR_KEYWORD for parameter in parameters.values()):
        wanted = {key: value for key, value in wanted.items() if key in parameters}
    sdk_settings.configure(sdk_mocks.MockSettings(**wanted))
    sdk_settings.ROOT.set(None)


def _run_in_fresh_context(
    request: RunRequest,
    transformations: Sequence[Any],
    listener: Listener | None,
    passthrough: tuple[type[BaseException], ...],
) -> Recording:
    import pulumi
    from pulumi.runtime import config as sdk_config
    from pulumi.runtime.stack import run_in_stack

    default_region = request.config.get("aws:region")
    mocks = RecordingMocks(default_region)
    monitor = create_monitor(mocks, request.project, request.stack, default_region, listener=listener)
    _configure_sdk(monitor, request)
    sdk_config.set_all_config(dict(request.config), list(request.secret_keys))

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    entry = request.entry
    entry_dir = os.path.dirname(entry)
    saved_argv, saved_path, saved_cwd = list(sys.argv), list(sys.path), os.getcwd()
    modules_before = set(sys.modules)
    try:
        os.chdir(entry_dir)
        sys.argv = [entry]
        # As the language host does: the program's own modules import from its directory.
        sys.path.insert(0, entry_dir)

        def program() -> None:
            for transformation in transformations:
                pulumi.runtime.register_stack_transformation(transformation)
            runpy.run_path(entry, run_name="__main__")

        try:
            loop.run_until_complete(loop.create_task(run_in_stack(program)))
        except SystemExit as error:
            _settle(loop)
            raise _incomplete(error, request.program_dir) from None
        except pulumi.ConfigMissingError as error:
            raise ProgramFailed(f"missing required config key {error.key!r}") from None
        except pulumi.RunError as error:
            raise ProgramFailed(" ".join(str(error).split()), bare=True) from None
        except passthrough:
            raise
        except Exception as error:
            raise ProgramFailed(describe_failure(error, request.program_dir)) from error
    finally:
        os.chdir(saved_cwd)
        sys.argv = saved_argv
        sys.path[:] = saved_path
        for name in set(sys.modules) - modules_before:
            module_file = getattr(sys.modules.get(name), "__file__", None) or ""
            if module_file.startswith(entry_dir):
                sys.modules.pop(name, None)
        loop.close()
        asyncio.set_event_loop(None)

    return Recording(
        records={urn: monitor.records[urn] for urn in sorted(monitor.records)},
        stack_urn=monitor.stack_urn,
        stack_outputs=monitor.stack_outputs,
        duplicates=sorted(set(monitor.duplicates)),
    )


def _settle(loop: asyncio.AbstractEventLoop) -> None:
    """After the program stopped half way: cancel what is still pending and let it finish, every outcome
    retrieved, so nothing is reported later as a never-retrieved exception or an interrupted coroutine."""
    tasks = asyncio.all_tasks(loop)
    for task in tasks:
        task.cancel()
    with contextlib.suppress(BaseException):
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))


_run_lock = threading.Lock()


class _QuiescenceAsyncio:
    """The `asyncio` the SDK's `wait_for_rpcs` sees during an offline run.

    After the program body returns, the SDK waits for every outstanding Output with
    `asyncio.wait(all_pending, return_when=FIRST_COMPLETED)` in a loop, re-arming a callback on every pending
    task each time one finishes: quadratic in the number of Outputs (50k+ for 10,000 resources). Waiting for
    the whole current batch instead reaches the same quiescence (new Outputs are picked up by the SDK's next
    round, exceptions are still re-raised by awaiting each done task) in a fraction of the time. Only that one
    call is changed; everything else is the real module.
    """

    def __init__(self) -> None:
        self._real = asyncio

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    async def wait(self, tasks: Any, *, timeout: float | None = None, return_when: str = "ALL_COMPLETED") -> Any:
        return await self._real.wait(tasks, timeout=timeout, return_when=self._real.ALL_COMPLETED)


@contextlib.contextmanager
def _batched_quiescence() -> Iterator[None]:
    from pulumi.runtime import stack as sdk_stack

    real = sdk_stack.asyncio
    sdk_stack.asyncio = _QuiescenceAsyncio()  # type: ignore[assignment]
    # A run allocates millions of objects (Outputs, tasks, protobufs) that mostly live until the end and
    # reference one another, so every cyclic collection during the run costs more the larger the program: even
    # with a young-generation threshold of 100,000 the collector's share grew from 8% of the run at 3,000
    # resources to 19% at 12,000 (the per-resource cost grew with size). The run makes little cyclic garbage
    # (peak memory within 4% with the collector off), so the collector is off for the run and back on after it.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        sdk_stack.asyncio = real


def record_program(
    request: RunRequest,
    transformations: Sequence[Any] = (),
    *,
    listener: Listener | None = None,
    passthrough: tuple[type[BaseException], ...] = (),
) -> Recording:
    """Run the program `request` names under the mock runtime and return what it registered.

    `transformations` are Pulumi stack transformations registered before the program runs; `listener` is told
    of each registration as it happens; exceptions of a `passthrough` type raised by the program propagate as
    they are (the toolchain's own bad-input errors from our stacks). Raises ProgramIncomplete or ProgramFailed.
    """
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["recording"] = contextvars.Context().run(
                _run_in_fresh_context, request, tuple(transformations), listener, passthrough
            )
        except BaseException as error:
            outcome["error"] = error

    # cwd, sys.path and sys.modules are process-wide: one program at a time.
    with _run_lock, _batched_quiescence(), _hard_exits_raise():
        thread = threading.Thread(target=target, name=f"trustfabric-engine-{request.stack}")
        thread.start()
        thread.join()
    if "error" in outcome:
        raise outcome["error"]
    recording: Recording = outcome["recording"]
    return recording


__all__ = [
    "Listener",
    "ProgramFailed",
    "ProgramIncomplete",
    "Recording",
    "RunRequest",
    "describe_failure",
    "record_program",
]
