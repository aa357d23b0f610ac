"""Running a program: any Pulumi Python program, under the SDK's own mock runtime, recorded as a ResourceGraph.

The program runs exactly as the Python language host runs it (`runpy` of `main:` inside `run_in_stack`), with
its `Pulumi.<stack>.yaml` config set the way the CLI sets it; only the resource monitor is the SDK's
`MockMonitor`, extended to record what the real engine would receive: every registration's inputs, parent,
provider, dependencies and property dependencies, and the stack's outputs. Nothing is sent anywhere.

Each run happens in a fresh thread with an empty `contextvars.Context`, where the SDK keeps its settings,
config and root stack, and the program's own modules are unloaded afterwards, so runs of several programs in
one process do not leak into each other.

Usage::

    from trustfabric.engine import run_program

    graph = run_program("path/to/program", "prod")
    for resource in graph.custom_resources:
        print(resource.type, resource.name, resource.region)
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
from collections.abc import Iterator, Sequence
from typing import Any

from ..errors import ConfigError, ProgramError
from ..graph import SECRET_SIG, SIG_KEY, Resource, ResourceGraph
from .mocks import RecordingMocks
from .monitor import create_monitor
from .plaintext import conceal
from .project import Project, StackConfig, load_project, load_stack_config


def _describe_failure(error: BaseException, project: Project) -> str:
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
    location = ""
    for frame, lineno in traceback.walk_tb(error.__traceback__):
        code_file = frame.f_code.co_filename
        self_obj = frame.f_locals.get("self")
        if (
            frame.f_code.co_name == "__init__"
            and isinstance(self_obj, pulumi.Resource)
            and isinstance(frame.f_locals.get("resource_name", frame.f_locals.get("name")), str)
        ):
            name = frame.f_locals.get("resource_name", frame.f_locals.get("name"))
            where = f" while declaring {type(self_obj).__name__} {name!r}"
        if code_file.startswith(str(project.directory)) and "site-packages" not in code_file:
            location = f" ({os.path.relpath(code_file, project.directory)}:{lineno})"
    return f"{type(error).__name__}{where}: {message}{location}"


def _run_in_fresh_context(
    project: Project, config: StackConfig, stack: str, preview: bool, transformations: Sequence[Any]
) -> ResourceGraph:
    import pulumi
    from pulumi.runtime import config as sdk_config
    from pulumi.runtime import mocks as sdk_mocks
    from pulumi.runtime import settings as sdk_settings
    from pulumi.runtime.stack import run_in_stack

    default_region = config.values.get("aws:region")
    mocks = RecordingMocks(default_region)
    monitor = create_monitor(mocks, project.name, stack, default_region)
    monitor_features = set(monitor.GetDeploymentInfo(None).supportedFeatures)
    sdk_settings.configure(
        sdk_mocks.MockSettings(
            monitor=monitor,
            monitor_features=monitor_features,
            engine=sdk_mocks.MockEngine(None),
            project=project.name,
            stack=stack,
            dry_run=preview,
            organization="organization",
            root_directory=str(project.directory),
            callbacks=None,
            package_refs={},
            base_providers_by_ref={},
        )
    )
    sdk_settings.ROOT.set(None)
    sdk_config.set_all_config(dict(config.values), list(config.secret_keys))

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    entry = project.main
    saved_argv, saved_path, saved_cwd = list(sys.argv), list(sys.path), os.getcwd()
    modules_before = set(sys.modules)
    try:
        os.chdir(entry.parent)
        sys.argv = [str(entry)]
        # As the language host does: the program's own modules import from its directory.
        sys.path.insert(0, str(entry.parent))

        def program() -> None:
            for transformation in transformations:
                pulumi.runtime.register_stack_transformation(transformation)
            runpy.run_path(str(entry), run_name="__main__")

        try:
            loop.run_until_complete(run_in_stack(program))
        except pulumi.ConfigMissingError as error:
            raise ProgramError(f"{project.name} ({stack}): missing required config key {error.key!r}") from None
        except pulumi.RunError as error:
            raise ProgramError(str(error).strip()) from None
        except (ConfigError, ProgramError):
            raise
        except Exception as error:
            raise ProgramError(f"{project.name} ({stack}): {_describe_failure(error, project)}") from error
    finally:
        os.chdir(saved_cwd)
        sys.argv = saved_argv
        sys.path[:] = saved_path
        entry_dir = str(entry.parent)
        for name in set(sys.modules) - modules_before:
            module_file = getattr(sys.modules.get(name), "__file__", None) or ""
            if module_file.startswith(entry_dir):
                sys.modules.pop(name, None)
        loop.close()
        asyncio.set_event_loop(None)

    if monitor.duplicates:
        raise ProgramError(f"{project.name} ({stack}): duplicate resource URN {sorted(monitor.duplicates)[0]}")
    graph = ResourceGraph(
        project=project.name,
        stack=stack,
        program_dir=str(project.directory),
        resources={urn: _concealed(monitor.records[urn], config.secret_values) for urn in sorted(monitor.records)},
        outputs=conceal(monitor.stack_outputs, config.secret_values),
        config=config.redacted(),
        stack_urn=monitor.stack_urn,
    )
    return graph


def _concealed(resource: Resource, secrets: frozenset[str]) -> Resource:
    """The resource with every input or output holding a secret config value marked secret."""
    if not secrets:
        return resource
    resource.inputs = conceal(resource.inputs, secrets)
    resource.outputs = conceal(resource.outputs, secrets)
    return resource


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
    # A run allocates millions of short-lived objects (Outputs, tasks, protobufs) that mostly live until the
    # end; the default young-generation threshold (700) makes the collector rescan them thousands of times.
    thresholds = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        sdk_stack.asyncio = real


def run_program(
    program_dir: str | os.PathLike[str],
    stack: str,
    *,
    preview: bool = True,
    transformations: Sequence[Any] = (),
) -> ResourceGraph:
    """Run the program in `program_dir` for `stack` under the mock runtime and return what it declared.

    `transformations` are Pulumi stack transformations (`pulumi.ResourceTransformationArgs` ->
    `ResourceTransformationResult | None`) registered before the program runs: the SDK applies them to every
    resource as it is declared, which is how tests mutate a real stack to prove the gate catches a change.

    Raises ConfigError for unreadable or malformed project/stack files and ProgramError when the program
    itself fails (the message names the resource or config key involved).
    """
    project = load_project(program_dir)
    config = load_stack_config(project, stack)
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["graph"] = contextvars.Context().run(
                _run_in_fresh_context, project, config, stack, preview, tuple(transformations)
            )
        except BaseException as error:
            outcome["error"] = error

    # cwd, sys.path and sys.modules are process-wide: one program at a time.
    with _run_lock, _batched_quiescence():
        thread = threading.Thread(target=target, name=f"trustfabric-engine-{stack}")
        thread.start()
        thread.join()
    if "error" in outcome:
        raise outcome["error"]
    graph: ResourceGraph = outcome["graph"]
    return graph


def secret_value(value: Any) -> Any:
    """Wrap a plain value the way the wire form marks a secret (for tests and fixtures)."""
    return {SIG_KEY: SECRET_SIG, "value": value}


__all__ = ["run_program", "secret_value"]
