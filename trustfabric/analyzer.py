"""Evaluate CrossGuard policies offline, through the SDK's own analyzer code.

`pulumi_policy` serves a pack over gRPC: the CLI sends `Configure`, then `Analyze` for each resource and
`AnalyzeStack` for the whole stack. Here we build the very same request messages from a ResourceGraph and hand
them to the SDK's analyzer servicer in-process (no server, no port), so policies see arguments shaped exactly as
in a real `pulumi preview --policy-pack`: the SDK deserializes the properties, wraps them in its
unknown-checking proxy, resolves enforcement levels and reports diagnostics.

Speed. The servicer's `Analyze` turns the request's properties (and its provider's) back into Python once per
policy, and `AnalyzeStack` does it once per stack policy for every resource: on a 10,000-resource program that
conversion, not the policies, was most of the gate's time. So by default each request is prepared once per
graph (its `Struct` built once, shared by Analyze and AnalyzeStack) and evaluated by `_FastEvaluation`, which
runs the servicer's own loop with the servicer's own helpers (enforcement levels, config, options, violation
reporting, runtime settings) and differs only in what no policy can observe:

- the SDK's deserialization (`MessageToDict` then `deserialize_properties`) runs once per resource and
  provider instead of once per policy; every policy still gets its own freshly built unknown-checking proxy
  (new containers, so a policy cannot see another's changes), and a value holding anything but plain JSON
  scalars (an asset or archive) is deserialized afresh per policy, as the SDK does;
- that proxy is built by `_unknown_checking_proxy`, which builds the SDK's proxy objects exactly (same classes,
  contents and paths) but skips the path of every scalar leaf that the SDK's helper computes and discards;
- which policies run for a resource type is decided once per type and policy config, and a policy built by
  `policies.base.resource_policy` with `resource_types` is not called for a resource of another type: its
  validate is then that helper's wrapper, which returns at once without reading anything.

The fast evaluation follows the loop of pulumi-policy `REVIEWED_SDK_VERSION`; with any other installed version
the servicer's own `Analyze`/`AnalyzeStack` run instead (`reference=True` forces that, and
tests/gate/test_fast_analyzer.py compares the two, response by response, on a broken prod stack).

Usage::

    from trustfabric.analyzer import Analyzer

    analyzer = Analyzer(policies, pack_name="trust-fabric", policy_config={"some-policy": {...}})
    diagnostics = analyzer.analyze(graph)
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from inspect import isawaitable
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import EnforcementLevel
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.policy import (
    PolicyProviderResource,
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
    _NotApplicableError,
    _PolicyAnalyzerServicer,
)
from pulumi_policy.proxy import UnknownValueError, _DictProxy, _ListProxy, unknown_checking_proxy
from pulumi_policy.version import VERSION as SDK_VERSION

from .graph import Resource, ResourceGraph

REVIEWED_SDK_VERSION = "1.21.0"
"""The pulumi-policy release whose `Analyze`/`AnalyzeStack` the fast evaluation mirrors line by line."""

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


# ------------------------------------------------------------------------------------------------------------
# Requests, prepared once per graph


def _unknown_checking_proxy(value: Any, path: list[str]) -> Any:
    """What `pulumi_policy.proxy.unknown_checking_proxy` builds, identical object for object (the same proxy
    classes over fresh containers, each proxy with its own path list), without computing the path of every
    scalar leaf, which the SDK's helper builds and then discards: most of its cost."""
    if isinstance(value, list):
        return _ListProxy(
            [
                _unknown_checking_proxy(item, [*path, str(index)]) if isinstance(item, (list, dict)) else item
                for index, item in enumerate(value)
            ],
            path,
        )
    if isinstance(value, dict):
        return _DictProxy(
            {
                key: _unknown_checking_proxy(item, [*path, str(key)]) if isinstance(item, (list, dict)) else item
                for key, item in value.items()
            },
            path,
        )
    return value


def _plain_json(value: Any) -> bool:
    """True when `value` holds only dicts, lists and JSON scalars (immutable leaves a proxy may share)."""
    if isinstance(value, dict):
        return all(_plain_json(item) for item in value.values())
    if isinstance(value, list):
        return all(_plain_json(item) for item in value)
    return value is None or isinstance(value, (str, bool, int, float))


class _Properties:
    """A request's `properties` Struct, deserialized as the SDK does it (`MessageToDict`, then
    `deserialize_properties`), once; `proxy()` wraps it in a fresh unknown-checking proxy per call."""

    __slots__ = ("_checked", "_value", "struct")

    def __init__(self, struct: struct_pb2.Struct) -> None:
        self.struct = struct
        self._value: dict[str, Any] | None = None
        self._checked = False

    def _deserialize(self) -> dict[str, Any]:
        return deserialize_properties(json_format.MessageToDict(self.struct))

    def ensure(self) -> None:
        """Deserialize now (raising what the SDK would raise at this point), keeping the result if shareable."""
        if not self._checked:
            value = self._deserialize()
            if _plain_json(value):
                self._value = value
            self._checked = True

    def proxy(self) -> Any:
        # The proxy copies every dict and list it wraps, so sharing the deserialized value is safe when its
        # leaves are immutable scalars; assets and archives are objects, deserialized afresh like the SDK does.
        if self._value is not None:
            return _unknown_checking_proxy(self._value, [])
        return unknown_checking_proxy(self._deserialize())


class _Provider:
    """A provider as the analyzer request carries it, and its properties deserialized once."""

    __slots__ = ("message", "properties")

    def __init__(self, message: analyzer_pb2.AnalyzerProviderResource) -> None:
        self.message = message
        self.properties = _Properties(message.properties)

    def policy_provider(self) -> PolicyProviderResource:
        """What the servicer's `_get_provider_resource` builds: a new object with a fresh proxy per call."""
        message = self.message
        return PolicyProviderResource(message.type, self.properties.proxy(), message.urn, message.name)


class _ProviderLookup:
    """The provider each resource is created by: its explicit provider, else the default provider.

    The CLI builds a default provider per package from the stack's `<package>:*` config; we do the same so a
    policy reading `args.provider.props` (region, default tags) sees what the CLI would give it.
    """

    def __init__(self, graph: ResourceGraph) -> None:
        self.graph = graph
        self.cache: dict[str, _Provider] = {}

    def _default(self, package: str) -> analyzer_pb2.AnalyzerProviderResource:
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

    def provider(self, resource: Resource) -> _Provider | None:
        if resource.is_provider or not resource.custom:
            return None
        key = resource.provider or f"default:{resource.package}"
        if key not in self.cache:
            provider = self.graph.get(resource.provider) if resource.provider else None
            if provider is not None:
                message = analyzer_pb2.AnalyzerProviderResource(
                    type=provider.type, properties=_struct(provider.inputs), urn=provider.urn, name=provider.name
                )
            else:
                message = self._default(resource.package)
            self.cache[key] = _Provider(message)
        return self.cache[key]


class _Entry:
    """One custom resource's Analyze request, built once, plus what AnalyzeStack adds for it."""

    __slots__ = ("_links", "properties", "provider", "request", "resource")

    def __init__(self, resource: Resource, providers: _ProviderLookup) -> None:
        self.resource = resource
        self.provider = providers.provider(resource)
        self.request = analyzer_pb2.AnalyzeRequest(
            type=resource.type,
            properties=_struct(resource.inputs),
            urn=resource.urn,
            name=resource.name,
            options=_options(resource),
        )
        if self.provider is not None:
            self.request.provider.CopyFrom(self.provider.message)
        self.properties = _Properties(self.request.properties)
        self._links: tuple[str, list[str], list[tuple[str, list[str]]]] | None = None

    def stack_item(self, *, with_properties: bool = True) -> analyzer_pb2.AnalyzerResource:
        """The resource as an AnalyzeStackRequest lists it (sharing the Analyze request's Struct content)."""
        resource = self.resource
        item = analyzer_pb2.AnalyzerResource(
            type=resource.type,
            urn=resource.urn,
            name=resource.name,
            options=self.request.options,
            parent=resource.parent or "",
            dependencies=list(resource.dependencies),
        )
        if with_properties:
            item.properties.CopyFrom(self.request.properties)
        for key, urns in resource.property_dependencies.items():
            item.propertyDependencies[key].urns.extend(urns)
        if self.provider is not None:
            item.provider.CopyFrom(self.provider.message)
        return item

    def links(self) -> tuple[str, list[str], list[tuple[str, list[str]]]]:
        """parent, dependencies and property dependencies as the servicer reads them from the stack item
        (the map's iteration order included)."""
        if self._links is None:
            # Only the map's order needs a message: protobuf maps keep no insertion order, and the order the
            # servicer iterates is the one of the item once copied into an AnalyzeStackRequest's list.
            request = analyzer_pb2.AnalyzeStackRequest()
            request.resources.append(self.stack_item(with_properties=False))
            item = request.resources[0]
            self._links = (
                item.parent,
                list(item.dependencies),
                [(key, list(value.urns)) for key, value in item.propertyDependencies.items()],
            )
        return self._links


class PreparedGraph:
    """A graph's analyzer requests, each built once and reused by Analyze and AnalyzeStack."""

    def __init__(self, graph: ResourceGraph) -> None:
        self.graph = graph
        self.providers = _ProviderLookup(graph)
        self._entries: dict[str, _Entry] = {}

    def entry(self, resource: Resource) -> _Entry:
        entry = self._entries.get(resource.urn)
        if entry is None or entry.resource is not resource:
            entry = _Entry(resource, self.providers)
            self._entries[resource.urn] = entry
        return entry

    def stack_entries(self) -> list[_Entry]:
        """Every resource AnalyzeStack lists: custom resources, providers excluded, in graph order."""
        return [self.entry(resource) for resource in self.graph if resource.custom and not resource.is_provider]


def stack_request(prepared: PreparedGraph) -> analyzer_pb2.AnalyzeStackRequest:
    request = analyzer_pb2.AnalyzeStackRequest()
    for entry in prepared.stack_entries():
        request.resources.append(entry.stack_item())
    return request


# ------------------------------------------------------------------------------------------------------------
# The servicer's loop, with deserialization done once


def declared_resource_types(policy: Any) -> frozenset[str] | None:
    """The types a resource policy built by `policies.base.resource_policy` validates, else None.

    Only when the policy's validate is that helper's wrapper (which returns at once for any other type) and the
    wrapper filters by exactly `policy.resource_types`; any other policy runs for every resource.
    """
    types = getattr(policy, "resource_types", None)
    if not isinstance(types, frozenset) or type(policy) is not ResourceValidationPolicy:
        return None
    validate = getattr(policy, "_ResourceValidationPolicy__validate", None)
    if getattr(validate, "__module__", None) != "policies.base":
        return None
    if getattr(validate, "__qualname__", None) != "resource_policy.<locals>.run":
        return None
    for cell in getattr(validate, "__closure__", None) or ():
        try:
            if cell.cell_contents is types:
                return types
        except ValueError:
            continue
    return None


def _run_validation(result: Any) -> None:
    # As the servicer runs an async validate: on a new event loop of its own.
    if isawaitable(result):
        loop = asyncio.new_event_loop()
        task: asyncio.Task[Any] = asyncio.Task(result, loop=loop)  # type: ignore[arg-type]
        loop.run_until_complete(task)
        loop.close()


class _FastEvaluation:
    """`Analyze` and `AnalyzeStack` of pulumi-policy REVIEWED_SDK_VERSION, on prepared requests.

    Every step the servicer takes per policy is taken here in the same order with the servicer's own helpers;
    only the deserialization is shared (see the module docstring) and typed policies skip foreign types.
    """

    def __init__(self, servicer: _PolicyAnalyzerServicer, policies: Sequence[Any]) -> None:
        self.servicer = servicer
        self.policies = list(policies)
        self.types = {id(policy): declared_resource_types(policy) for policy in self.policies}
        self._plans: dict[str, tuple[bool, list[tuple[Any, EnforcementLevel | None]]]] = {}
        self._planned_for: Any = None

    def _plan(self, resource_type: str) -> tuple[bool, list[tuple[Any, EnforcementLevel | None]]]:
        """What the servicer's Analyze loop does for a resource of this type, decided once per type and config:
        whether it deserializes the request at all, then per policy in pack order either (policy, None) for
        "does not implement validate" or (policy, level) to run it. Typed policies for other types are left
        out (after counting toward the deserialization, which the servicer does before calling them)."""
        levels = self.servicer._PolicyAnalyzerServicer__policy_pack_config_enforcement_level  # type: ignore[attr-defined]
        if levels is not self._planned_for:  # Configure replaces this dict: plan again
            self._plans, self._planned_for = {}, levels
        plan = self._plans.get(resource_type)
        if plan is None:
            deserializes = False
            steps: list[tuple[Any, EnforcementLevel | None]] = []
            for policy in self.policies:
                level = self.servicer._get_enforcement_level(policy)
                if level == EnforcementLevel.DISABLED or not isinstance(policy, ResourceValidationPolicy):
                    continue
                if not policy.has_validation():
                    steps.append((policy, None))
                    continue
                deserializes = True
                types = self.types[id(policy)]
                if types is not None and resource_type not in types:
                    continue  # its validate is the typed wrapper, which returns at once for this type
                steps.append((policy, EnforcementLevel.MANDATORY if level == EnforcementLevel.REMEDIATE else level))
            plan = self._plans[resource_type] = (deserializes, steps)
        return plan

    def _cannot_run(self, response: Any, policy: Any, error: UnknownValueError) -> None:
        servicer = self.servicer
        name = servicer._PolicyAnalyzerServicer__policy_pack_name  # type: ignore[attr-defined]
        version = servicer._PolicyAnalyzerServicer__policy_pack_version  # type: ignore[attr-defined]
        response.diagnostics.append(
            analyzer_pb2.AnalyzeDiagnostic(
                policyName=policy.name,
                policyPackName=name,
                policyPackVersion=version,
                message=(
                    f"can't run policy '{policy.name}' from policy pack '{name}@v{version}' during preview: {error.message}"
                ),
                urn="",
                description=policy.description,
                enforcementLevel=servicer._map_enforcement_level(EnforcementLevel.ADVISORY),
            )
        )

    def analyze(self, entry: _Entry) -> Any:
        servicer = self.servicer
        servicer._configure_runtime_settings()
        stack_tags = servicer._PolicyAnalyzerServicer__stack_tags  # type: ignore[attr-defined]
        request = entry.request
        response = analyzer_pb2.AnalyzeResponse()
        deserializes, steps = self._plan(request.type)
        if deserializes:
            # The servicer deserializes before the first policy runs: so do we (once), raising what it raises.
            entry.properties.ensure()
            if entry.provider is not None:
                entry.provider.properties.ensure()
        for policy, enforcement_level in steps:
            if enforcement_level is None:
                response.not_applicable.append(
                    analyzer_pb2.PolicyNotApplicable(
                        policy_name=policy.name, reason="Policy does not implement validate"
                    )
                )
                continue
            report_violation = servicer._create_report_violation(
                response, policy.name, policy.description, enforcement_level, policy.severity
            )
            props = entry.properties.proxy()
            opts = servicer._get_resource_options(request)
            provider = entry.provider.policy_provider() if entry.provider is not None else None
            config = servicer._get_policy_config(policy.name)
            args = ResourceValidationArgs(
                request.type, props, request.urn, request.name, opts, provider, config, stack_tags
            )
            self._validate(response, policy, args, report_violation)
        return response

    def _validate(self, response: Any, policy: Any, args: Any, report_violation: Any) -> None:
        """Run one policy's validate as the servicer does: unknown values and not-applicable are reported."""
        try:
            _run_validation(policy.validate(args, report_violation))
        except UnknownValueError as error:
            self._cannot_run(response, policy, error)
        except _NotApplicableError as error:
            response.not_applicable.append(
                analyzer_pb2.PolicyNotApplicable(policy_name=policy.name, reason=error.reason or "")
            )

    def analyze_stack(self, entries: Sequence[_Entry]) -> Any:
        servicer = self.servicer
        servicer._configure_runtime_settings()
        stack_tags = servicer._PolicyAnalyzerServicer__stack_tags  # type: ignore[attr-defined]
        response = analyzer_pb2.AnalyzeResponse()
        for policy in self.policies:
            enforcement_level = servicer._get_enforcement_level(policy)
            if enforcement_level == EnforcementLevel.DISABLED or not isinstance(policy, StackValidationPolicy):
                continue
            if enforcement_level == EnforcementLevel.REMEDIATE:
                enforcement_level = EnforcementLevel.MANDATORY
            report_violation = servicer._create_report_violation(
                response, policy.name, policy.description, enforcement_level, policy.severity
            )
            # Fresh PolicyResource objects (and proxies) for every policy, wired like the servicer wires them.
            intermediates: list[tuple[PolicyResource, str, list[str], list[tuple[str, list[str]]]]] = []
            for entry in entries:
                entry.properties.ensure()
                props = entry.properties.proxy()
                opts = servicer._get_resource_options(entry.request)
                provider = None
                if entry.provider is not None:
                    entry.provider.properties.ensure()
                    provider = entry.provider.policy_provider()
                request = entry.request
                resource = PolicyResource(request.type, props, request.urn, request.name, opts, provider, None, [], {})
                parent, dependencies, property_dependencies = entry.links()
                intermediates.append((resource, parent, dependencies, property_dependencies))
            urns_to_resources = {resource.urn: resource for resource, _, _, _ in intermediates}
            for resource, parent, dependencies, property_dependencies in intermediates:
                if parent is not None and parent in urns_to_resources:
                    resource.parent = urns_to_resources[parent]
                for dependency in dependencies:
                    if dependency in urns_to_resources:
                        resource.dependencies.append(urns_to_resources[dependency])
                for key, urns in property_dependencies:
                    resource.property_dependencies[key] = [urns_to_resources[u] for u in urns if u in urns_to_resources]
            config = servicer._get_policy_config(policy.name)
            args = StackValidationArgs([resource for resource, _, _, _ in intermediates], config, stack_tags)
            self._validate(response, policy, args, report_violation)
        return response


# ------------------------------------------------------------------------------------------------------------


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
        self.servicer = _PolicyAnalyzerServicer(pack_name, pack_version, self.policies, enforcement_level)
        self.fast = (
            None if reference or SDK_VERSION != REVIEWED_SDK_VERSION else _FastEvaluation(self.servicer, self.policies)
        )
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
            response = fast.analyze(entry) if fast is not None else self.servicer.Analyze(entry.request, None)
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
            response = self.servicer.AnalyzeStack(stack_request(prepared), None)
        return self._diagnostics(response)

    def analyze(self, graph: ResourceGraph) -> list[Diagnostic]:
        prepared = self.prepare(graph)
        return self.analyze_resources(prepared) + self.analyze_stack(prepared)
