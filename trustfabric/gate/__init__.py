"""The policy gate: the CrossGuard policies it is handed, evaluated offline against a program's graph.

Modules, one job each: `info` (a policy's metadata as one typed record), `sdk` (the only adapter to
pulumi-policy's private names, pinned to the reviewed release), `requests` (a graph's analyzer requests, built
once), `fast` (the servicer's loop on prepared requests), `analyzer` (the CLI's request sequence, in-process),
`config` (policy config files), `floors` (config floors), `exemptions` (reviewed policy exemptions),
`verdicts` (diagnostics, floors and expired exemptions as Findings), `run` (one gate run).

The names below are imported from their modules on first use, so importing `trustfabric.gate.info` (which the
reporters do) does not import the Pulumi SDK.

Usage::

    from trustfabric.gate import run_gate

    result = run_gate("path/to/program", "prod", policies=all_policies())
    raise SystemExit(result.exit_code)
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..paths import DEFAULT_EXEMPTIONS
    from .analyzer import Analyzer, Diagnostic
    from .config import PolicyConfig, load_policy_config
    from .floors import Floor, parse_floor, policy_floors
    from .info import PolicyInfo, policy_info, policy_infos
    from .run import GateResult, Progress, run_gate
    from .verdicts import diagnostic_finding

__all__ = [
    "DEFAULT_EXEMPTIONS",
    "Analyzer",
    "Diagnostic",
    "Floor",
    "GateResult",
    "PolicyConfig",
    "PolicyInfo",
    "Progress",
    "diagnostic_finding",
    "load_policy_config",
    "parse_floor",
    "policy_floors",
    "policy_info",
    "policy_infos",
    "run_gate",
]

_HOMES = {
    "..paths": ("DEFAULT_EXEMPTIONS",),
    ".analyzer": ("Analyzer", "Diagnostic"),
    ".config": ("PolicyConfig", "load_policy_config"),
    ".floors": ("Floor", "parse_floor", "policy_floors"),
    ".info": ("PolicyInfo", "policy_info", "policy_infos"),
    ".run": ("GateResult", "Progress", "run_gate"),
    ".verdicts": ("diagnostic_finding",),
}
"""Where each exported name lives (imported on first use)."""


def __getattr__(name: str) -> Any:
    home = next((module for module, names in _HOMES.items() if name in names), None)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home, __name__), name)
    globals()[name] = value
    return value
