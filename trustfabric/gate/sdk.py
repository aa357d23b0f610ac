"""The one module that reads pulumi-policy's private names, pinned to the release they were reviewed against.

pulumi-policy serves a pack through its private `_PolicyAnalyzerServicer`; the gate drives that servicer
in-process, and its fast evaluation (trustfabric.gate.fast) reuses the servicer's own helpers step by step. Those
helpers, the servicer's name-mangled state, the not-applicable signal, the unknown-checking proxy classes and the
property deserializer are private to the SDK: every other module reaches them through `Servicer` and the
functions here, and nowhere else.

`REVIEWED_SDK_VERSION` is the release whose `Analyze`/`AnalyzeStack` the fast evaluation mirrors line by line;
`fast_path_supported()` is False on any other installed release, and the gate then hands every request to the
servicer's own public `Analyze`/`AnalyzeStack` (slower, always right). `missing_internals()` names what a
release lacks of what this module reads (tests/trustfabric/gate/test_sdk.py fails loudly on another release).

Usage::

    from trustfabric.gate.sdk import Servicer, fast_path_supported

    servicer = Servicer(policies, pack_name="trust-fabric", pack_version="0.1.0", level=EnforcementLevel.MANDATORY)
    servicer.Configure(request)
    response = servicer.Analyze(request)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.policy import _NotApplicableError, _PolicyAnalyzerServicer
from pulumi_policy.proxy import UnknownValueError, _DictProxy, _ListProxy, unknown_checking_proxy
from pulumi_policy.version import VERSION as SDK_VERSION

REVIEWED_SDK_VERSION = "1.21.0"
"""The pulumi-policy release whose `Analyze`/`AnalyzeStack` the fast evaluation mirrors line by line."""

NotApplicableError = _NotApplicableError
"""What a policy's `args.not_applicable(reason)` raises (its `.reason` is reported)."""

_MANGLED = "_PolicyAnalyzerServicer__"
_STATE = ("policy_pack_config_enforcement_level", "policy_pack_name", "policy_pack_version", "stack_tags")
_HELPERS = (
    "_configure_runtime_settings",
    "_get_enforcement_level",
    "_create_report_violation",
    "_get_resource_options",
    "_get_policy_config",
    "_map_enforcement_level",
)


def fast_path_supported(version: str | None = None) -> bool:
    """True when the installed (or given) pulumi-policy is the reviewed release."""
    return (version or SDK_VERSION) == REVIEWED_SDK_VERSION


class Servicer:
    """pulumi-policy's analyzer servicer for one pack, with its private helpers under plain names.

    The helpers are the servicer's own bound methods (no wrapper in between: the fast evaluation calls them
    for every resource and policy).
    """

    def __init__(self, policies: Sequence[Any], *, pack_name: str, pack_version: str, level: EnforcementLevel) -> None:
        self._servicer = _PolicyAnalyzerServicer(pack_name, pack_version, list(policies), level)
        servicer: Any = self._servicer
        self.configure_runtime_settings = servicer._configure_runtime_settings
        self.enforcement_level = servicer._get_enforcement_level
        self.create_report_violation = servicer._create_report_violation
        self.resource_options = servicer._get_resource_options
        self.policy_config = servicer._get_policy_config
        self.map_enforcement_level = servicer._map_enforcement_level

    def _state(self, name: str) -> Any:
        return getattr(self._servicer, f"{_MANGLED}{name}")

    @property
    def configured_levels(self) -> Any:
        """The enforcement levels of the last Configure (a new object after every Configure)."""
        return self._state("policy_pack_config_enforcement_level")

    @property
    def pack_name(self) -> str:
        return str(self._state("policy_pack_name"))

    @property
    def pack_version(self) -> str:
        return str(self._state("policy_pack_version"))

    @property
    def stack_tags(self) -> Any:
        return self._state("stack_tags")

    # The servicer's public gRPC methods, as the CLI calls them (`context` is unused in-process).

    def Configure(self, request: Any, context: Any = None) -> Any:
        return self._servicer.Configure(request, context)

    def Analyze(self, request: Any, context: Any = None) -> Any:
        """The servicer's own Analyze (the reference the fast evaluation equals)."""
        return self._servicer.Analyze(request, context)

    def AnalyzeStack(self, request: Any, context: Any = None) -> Any:
        """The servicer's own AnalyzeStack."""
        return self._servicer.AnalyzeStack(request, context)


def missing_internals() -> list[str]:
    """The private names this module reads that the installed pulumi-policy lacks (empty when all are there)."""
    probe_policy = ResourceValidationPolicy(name="probe", description="probe", validate=lambda args, report: None)
    servicer = _PolicyAnalyzerServicer("probe", "0.0.0", [probe_policy], EnforcementLevel.ADVISORY)
    missing = [f"_PolicyAnalyzerServicer.{name}" for name in _HELPERS if not hasattr(servicer, name)]
    missing += [f"_PolicyAnalyzerServicer.__{name}" for name in _STATE if not hasattr(servicer, f"{_MANGLED}{name}")]
    probe = unknown_checking_proxy({"list": []})
    if not isinstance(probe, _DictProxy) or not hasattr(probe, "_DictProxy__props_acc"):
        missing.append("_DictProxy.__props_acc")
    if not isinstance(probe["list"], _ListProxy) or not hasattr(probe["list"], "_ListProxy__props_acc"):
        missing.append("_ListProxy.__props_acc")
    if not hasattr(_NotApplicableError("probe"), "reason"):
        missing.append("_NotApplicableError.reason")
    return missing


def deserialize(properties: dict[str, Any]) -> dict[str, Any]:
    """A request's properties (already `MessageToDict`-ed) as the servicer deserializes them for a policy."""
    result: dict[str, Any] = deserialize_properties(properties)
    return result


def sdk_proxy(value: Any) -> Any:
    """The SDK's own unknown-checking proxy of a deserialized value (what a policy's `args.props` is)."""
    return unknown_checking_proxy(value)


def fast_proxy(value: Any, path: list[str]) -> Any:
    """What `sdk_proxy` builds, identical object for object (the same proxy classes over fresh containers, each
    proxy with its own path list), without computing the path of every scalar leaf, which the SDK's helper builds
    and then discards: most of its cost."""
    if isinstance(value, list):
        return _ListProxy(
            [
                fast_proxy(item, [*path, str(index)]) if isinstance(item, (list, dict)) else item
                for index, item in enumerate(value)
            ],
            path,
        )
    if isinstance(value, dict):
        return _DictProxy(
            {
                key: fast_proxy(item, [*path, str(key)]) if isinstance(item, (list, dict)) else item
                for key, item in value.items()
            },
            path,
        )
    return value


__all__ = [
    "REVIEWED_SDK_VERSION",
    "SDK_VERSION",
    "NotApplicableError",
    "Servicer",
    "UnknownValueError",
    "deserialize",
    "fast_path_supported",
    "fast_proxy",
    "missing_internals",
    "sdk_proxy",
]
