"""Evaluate CrossGuard policies offline, through the SDK's own analyzer code.

`pulumi_policy` serves a pack over gRPC: the CLI sends `Configure`, then `Analyze` for each resource and
`AnalyzeStack` for the whole stack. Here we build the very same request messages from a ResourceGraph
(trustfabric.gate.requests) and hand them to the SDK's analyzer servicer in-process (no server, no port,
through trustfabric.gate.sdk), so policies see arguments shaped exactly as in a real
`pulumi preview --policy-pack`: the SDK deserializes the properties, wraps them in its unknown-checking proxy,
resolves enforcement levels and reports diagnostics.

By default each request is prepared once per graph and evaluated by the fast evaluation
(trustfabric.gate.fast), which follows the servicer's own loop and differs only in what no policy can observe;
with any other installed pulumi-policy than the reviewed one, the servicer's own `Analyze`/`AnalyzeStack` run
instead (`reference=True` forces that, and tests/trustfabric/gate/test_fast_analyzer.py compares the two,
response by response, on a broken prod stack).

Usage::

    from trustfabric.gate.analyzer import Analyzer

    analyzer = Analyzer(policies, pack_name="trust-fabric", policy_config={"some-policy": {...}})
    diagnostics = analyzer.analyze(graph)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import EnforcementLevel

from ..findings import ENFORCEMENT_LEVELS, SEVERITIES
from ..graph import Resource, ResourceGraph
from .fast import FastEvaluation
from .info import policy_info
from .requests import PreparedGraph, stack_request
from .sdk import Servicer, fast_path_supported

ENFORCEMENT_VALUES = {level: analyzer_pb2.EnforcementLevel.Value(level.upper()) for level in ENFORCEMENT_LEVELS}
"""The wire enforcement levels by name (advisory -> ADVISORY, ...)."""
ENFORCEMENT_NAMES = {value: name for name, value in ENFORCEMENT_VALUES.items()}
SEVERITY_NAMES = {
    analyzer_pb2.POLICY_SEVERITY_UNSPECIFIED: "",
    **{analyzer_pb2.PolicySeverity.Value(f"POLICY_SEVERITY_{severity.upper()}"): severity for severity in SEVERITIES},
}


@dataclass(frozen=True)
class Diagnostic:
    """One AnalyzeDiagnostic as the CLI would receive it."""

    policy: str
    message: str
    """The policy's description, then (on the next line) what the policy reported, as the SDK joins them."""
    description: str
    enforcement: str
    severity: str
    urn: str
    cannot_run: bool = False
    """The SDK could not run the policy because it touched a value unknown during preview."""

    @property
    def detail(self) -> str:
        """What the policy itself reported (the message without the description prefix)."""
        if self.message.startswith(self.description):
            rest = self.message[len(self.description) :].lstrip("\n")
            return rest or self.description
        return self.message


class Analyzer:
    """A policy pack's analyzer, driven in-process with the CLI's request sequence.

    `reference=True` hands every request to the servicer's own `Analyze`/`AnalyzeStack` (what the fast
    evaluation is proven equal to); it is also what runs when the installed pulumi-policy is not
    REVIEWED_SDK_VERSION.
    """

    def __init__(
        self,
        policies: Sequence[Any],
        *,
        pack_name: str = "trust-fabric",
        pack_version: str = "0.1.0",
        enforcement_level: EnforcementLevel = EnforcementLevel.MANDATORY,
        policy_config: Mapping[str, Mapping[str, Any]] | None = None,
        reference: bool = False,
    ) -> None:
        self.policies = list(policies)
        self.pack_name = pack_name
        self.servicer = Servicer(self.policies, pack_name=pack_name, pack_version=pack_version, level=enforcement_level)
        self.fast = None if reference or not fast_path_supported() else FastEvaluation(self.servicer, self.policies)
        self.configure(policy_config or {})

    def configure(self, policy_config: Mapping[str, Mapping[str, Any]]) -> None:
        """Send the CLI's Configure request: per policy an optional enforcementLevel and properties."""
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for name, entry in policy_config.items():
            config = analyzer_pb2.PolicyConfig()
            properties = {k: v for k, v in entry.items() if k != "enforcementLevel"}
            level = entry.get("enforcementLevel")
            if level is not None:
                config.enforcementLevel = ENFORCEMENT_VALUES[str(level)]
            else:
                policy = next((p for p in self.policies if p.name == name), None)
                default = policy_info(policy).enforcement if policy is not None else "mandatory"
                config.enforcementLevel = ENFORCEMENT_VALUES[default]
            config.properties.update(properties)
            request.policyConfig[name].CopyFrom(config)
        self.servicer.Configure(request)

    def prepare(self, graph: ResourceGraph) -> PreparedGraph:
        """The graph's requests, to share between `analyze_resources` calls and `analyze_stack`."""
        return PreparedGraph(graph)

    def _diagnostics(self, response: Any) -> list[Diagnostic]:
        found = []
        for diagnostic in response.diagnostics:
            found.append(
                Diagnostic(
                    policy=diagnostic.policyName,
                    message=diagnostic.message,
                    description=diagnostic.description,
                    enforcement=ENFORCEMENT_NAMES.get(diagnostic.enforcementLevel, "advisory"),
                    severity=SEVERITY_NAMES.get(diagnostic.severity, ""),
                    urn=diagnostic.urn,
                    cannot_run="during preview" in diagnostic.message and diagnostic.message.startswith("can't run"),
                )
            )
        return found

    def analyze_resources(
        self, graph: ResourceGraph | PreparedGraph, resources: Iterable[Resource] | None = None
    ) -> list[Diagnostic]:
        """Resource policies, one Analyze call per custom resource (providers excluded, as the CLI does)."""
        prepared = graph if isinstance(graph, PreparedGraph) else self.prepare(graph)
        found: list[Diagnostic] = []
        for resource in resources if resources is not None else prepared.graph:
            if resource.is_provider or not resource.custom:
                continue
            entry = prepared.entry(resource)
            fast = self.fast
            response = fast.analyze(entry) if fast is not None else self.servicer.Analyze(entry.request)
            for diagnostic in self._diagnostics(response):
                # A resource policy's violation is about the resource analyzed unless it named another URN.
                found.append(diagnostic if diagnostic.urn else replace(diagnostic, urn=resource.urn))
        return found

    def analyze_stack(self, graph: ResourceGraph | PreparedGraph) -> list[Diagnostic]:
        """Stack policies, one AnalyzeStack call with every resource, after the resource policies."""
        prepared = graph if isinstance(graph, PreparedGraph) else self.prepare(graph)
        if self.fast is not None:
            response = self.fast.analyze_stack(prepared.stack_entries())
        else:
            response = self.servicer.AnalyzeStack(stack_request(prepared))
        return self._diagnostics(response)

    def analyze(self, graph: ResourceGraph) -> list[Diagnostic]:
        prepared = self.prepare(graph)
        return self.analyze_resources(prepared) + self.analyze_stack(prepared)


__all__ = ["ENFORCEMENT_NAMES", "SEVERITY_NAMES", "Analyzer", "Diagnostic", "PreparedGraph"]
