"""The offline engine: run any Pulumi Python program under the SDK's own mock runtime and record its graph.

Modules, one job each: `project` (Pulumi.yaml and Pulumi.<stack>.yaml as the CLI reads them), `mocks`
(deterministic answers for resources and invokes), `monitor` (the SDK's MockMonitor, recording every
registration), `runner` (running a program in a fresh context, one at a time).

Usage::

    from trustfabric.engine import run_program

    graph = run_program("path/to/program", "prod")
    for resource in graph.custom_resources:
        print(resource.type, resource.name, resource.region)
"""

from __future__ import annotations

from ..graph import redact_secrets
from .mocks import ACCOUNT_ID, RecordingMocks, mock_arn
from .project import Project, StackConfig, load_project, load_stack_config
from .runner import run_program, secret_value

__all__ = [
    "ACCOUNT_ID",
    "Project",
    "RecordingMocks",
    "StackConfig",
    "load_project",
    "load_stack_config",
    "mock_arn",
    "redact_secrets",
    "run_program",
    "secret_value",
]
