"""The offline engine: run any Pulumi Python program under the SDK's own mock runtime and record its graph.

Modules, one job each: `project` (Pulumi.yaml and Pulumi.<stack>.yaml as the CLI reads them), `mocks`
(deterministic answers for resources and invokes), `monitor` (the SDK's MockMonitor, recording every
registration), `wire` (resource references as the engine hands them to analyzers and providers), `session` (one
recorded run in a fresh context, one at a time), `interpreter` (which interpreter runs a program, building its
virtualenv when asked), `child` (a run in the program's own interpreter, streamed back), `runner` (from a
program dir to a ResourceGraph).

Usage::

    from trustfabric.engine import run_program

    graph = run_program("path/to/program", "prod")
    for resource in graph.custom_resources:
        print(resource.type, resource.name, resource.region)
"""

from __future__ import annotations

from ..graph import redact_secrets
from .interpreter import Interpreter, choose_interpreter
from .mocks import ACCOUNT_ID, RecordingMocks, mock_arn
from .project import Project, StackConfig, load_project, load_stack_config
from .runner import run_program, secret_value

__all__ = [
    "ACCOUNT_ID",
    "Interpreter",
    "Project",
    "RecordingMocks",
    "StackConfig",
    "choose_interpreter",
    "load_project",
    "load_stack_config",
    "mock_arn",
    "redact_secrets",
    "run_program",
    "secret_value",
]
