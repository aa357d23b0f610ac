"""Evaluate CrossGuard policies offline, through the SDK's own analyzer code.

`pulumi_policy` serves a pack over gRPC: the CLI sends `Configure`, then `Analyze` for each resource and
`AnalyzeStack` for the whole stack. Here we build the very same request messages from a ResourceGraph and hand
them to the SDK's analyzer servicer in-process (no server, no port), so policies see arguments shaped exactly as
in a real `pulumi preview --policy-pack`: the SDK deserializes the properties, wraps them in its
unknown-checking proxy, resolves enforcement levels and reports diagnostics.

Usage::

    from trustfabric.analyzer import Analyzer

    analyzer = Analyzer(policies, pack_name="trust-fabric", policy_config={"some-policy": {...}})
    diagnostics = analyzer.analyze(graph)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import EnforcementLevel
from pulumi_policy.policy import _PolicyAnalyzerServicer

from .graph import Resource, ResourceGraph

ENFORCEMENT_NAMES = {
    analyzer_pb2.ADVISORY: "advisory",
    analyzer_pb2.MANDATORY: "mandatory",
    analyzer_pb2.REMEDIATE: "remediate",
    analyzer_pb2.DISABLED: "disabled",
}
ENFORCEMENT_VALUES = {name: value for value, name in ENFORCEMENT_NAMES.items()}
SEVERITY_NAMES = {
    analyzer_pb2.POLICY_SEVERITY_UNSPECIFIED: "",
    analyzer_pb2.POLICY_SEVERITY_LOW: "low",
    analyzer_pb2.POLICY_SEVERITY_MEDIUM: "medium",
    analyzer_pb2.POLICY_SEVERITY_HIGH: "high",
    analyzer_pb2.POLICY_SEVERITY_CRITICAL: "critical",
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


def _struct(wire: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    json_format.ParseDict(dict(wire), struct)
    return struct


def _options(resource: Resource) -> analyzer_pb2.AnalyzerResourceOptions:
    options = resource.options
    message = analyzer_pb2.AnalyzerResourceOptions(
        protect=bool(options.get("protect", False)),
        ignoreChanges=list(options.get("ignore_changes", [])),
        additionalSecretOutputs=list(options.get("additional_secret_outputs", [])),
        parent=resource.parent or "",
    )
    if "delete_before_replace" in options:
        message.deleteBeforeReplace = bool(options["delete_before_replace"])
        message.deleteBeforeReplaceDefined = True
    return message


class _ProviderLookup:
    """The provider each resource is created by: its explicit provider, else the default provider.

    The CLI builds a default provider per package from the stack's `<package>:*` config; we do the same so a
    policy reading `args.provider.props` (region, default tags) sees what the CLI would give it.
    """

    def __init__(self, graph: ResourceGraph) -> None:
        self.graph = graph
        self.cache: dict[str, analyzer_pb2.AnalyzerProviderResource | None] = {}

    def _default(self, package: str) -> analyzer_pb2.AnalyzerProviderResource | None:
        prefix = f"{package}:"
        # As the CLI builds a default provider: its inputs are the package's config values, as strings
        # (structured values stay JSON text, exactly as an explicit provider's nested inputs arrive).
        props: dict[str, Any] = {
            key[len(prefix) :]: raw for key, raw in self.graph.config.items() if key.startswith(prefix)
        }
        urn = f"urn:pulumi:{self.graph.stack}::{self.graph.project}::pulumi:providers:{package}::default"
        return analyzer_pb2.AnalyzerProviderResource(
            type=f"pulumi:providers:{package}", properties=_struct(props), urn=urn, name="default"
        )

    def for_resource(self, resource: Resource) -> analyzer_pb2.AnalyzerProviderResource | None:
        if resource.is_provider or not resource.custom:
            return None
        key = resource.provider or f"default:{resource.package}"
        if key not in self.cache:
            provider = self.graph.get(resource.provider) if resource.provider else None
            if provider is not None:
                self.cache[key] = analyzer_pb2.AnalyzerProviderResource(
                    type=provider.type, properties=_struct(provider.inputs), urn=provider.urn, name=provider.name
                )
            else:
                self.cache[key] = self._default(resource.package)
        return self.cache[key]


def analyze_request(resource: Resource, providers: _ProviderLookup) -> analyzer_pb2.AnalyzeRequest:
    request = analyzer_pb2.AnalyzeRequest(
        type=resource.type,
        properties=_struct(resource.inputs),
        urn=resource.urn,
        name=resource.name,
        options=_options(resource),
    )
    provider = providers.for_resource(resource)
    if provider is not None:
        request.provider.CopyFrom(provider)
    return request


def stack_request(graph: ResourceGraph, providers: _ProviderLookup) -> analyzer_pb2.AnalyzeStackRequest:
    request = analyzer_pb2.AnalyzeStackRequest()
    for resource in graph:
        if resource.is_provider or not resource.custom:
            continue
        item = analyzer_pb2.AnalyzerResource(
            type=resource.type,
            properties=_struct(resource.inputs),
            urn=resource.urn,
            name=resource.name,
            options=_options(resource),
            parent=resource.parent or "",
            dependencies=list(resource.dependencies),
        )
        for key, urns in resource.property_dependencies.items():
            item.propertyDependencies[key].urns.extend(urns)
        provider = providers.for_resource(resource)
        if provider is not None:
            item.provider.CopyFrom(provider)
        request.resources.append(item)
    return request


class Analyzer:
    """A policy pack's analyzer, driven in-process with the CLI's request sequence."""

    def __init__(
        self,
        policies: Sequence[Any],
        *,
        pack_name: str = "trust-fabric",
        pack_version: str = "0.1.0",
        enforcement_level: EnforcementLevel = EnforcementLevel.MANDATORY,
        policy_config: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self.policies = list(policies)
        self.pack_name = pack_name
        self.servicer = _PolicyAnalyzerServicer(pack_name, pack_version, self.policies, enforcement_level)
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
                default = policy.enforcement_level if policy is not None else None
                config.enforcementLevel = ENFORCEMENT_VALUES[default.value if default else "mandatory"]
            config.properties.update(properties)
            request.policyConfig[name].CopyFrom(config)
        self.servicer.Configure(request, None)

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

    def analyze_resources(self, graph: ResourceGraph, resources: Iterable[Resource] | None = None) -> list[Diagnostic]:
        """Resource policies, one Analyze call per custom resource (providers excluded, as the CLI does)."""
        providers = _ProviderLookup(graph)
        found: list[Diagnostic] = []
        for resource in resources if resources is not None else graph:
            if resource.is_provider or not resource.custom:
                continue
            response = self.servicer.Analyze(analyze_request(resource, providers), None)
            for diagnostic in self._diagnostics(response):
                # A resource policy's violation is about the resource analyzed unless it named another URN.
                if not diagnostic.urn:
                    diagnostic = Diagnostic(**{**diagnostic.__dict__, "urn": resource.urn})
                found.append(diagnostic)
        return found

    def analyze_stack(self, graph: ResourceGraph) -> list[Diagnostic]:
        """Stack policies, one AnalyzeStack call with every resource, after the resource policies."""
        response = self.servicer.AnalyzeStack(stack_request(graph, _ProviderLookup(graph)), None)
        return self._diagnostics(response)

    def analyze(self, graph: ResourceGraph) -> list[Diagnostic]:
        return self.analyze_resources(graph) + self.analyze_stack(graph)
