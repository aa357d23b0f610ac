"""The analyzer requests of a graph, built once: what the CLI would send for each resource and for the stack.

Each custom resource's `AnalyzeRequest` (its `Struct` built once, shared with the `AnalyzeStackRequest`), its
provider as the request carries it (an explicit provider's inputs, else the default provider the CLI builds from
the stack's `<package>:*` config), and its properties deserialized once as the SDK does it, with a fresh
unknown-checking proxy for every policy that reads them.

Usage::

    from trustfabric.gate.requests import PreparedGraph, stack_request

    prepared = PreparedGraph(graph)
    entry = prepared.entry(resource)        # entry.request: the AnalyzeRequest
    request = stack_request(prepared)       # the AnalyzeStackRequest
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import PolicyProviderResource

from ..engine.wire import without_references
from ..graph import Resource, ResourceGraph
from .sdk import deserialize, fast_proxy, sdk_proxy


def _struct(wire: Mapping[str, Any]) -> struct_pb2.Struct:
    """The properties as the engine marshals them for an analyzer: resource references as IDs or URNs."""
    struct = struct_pb2.Struct()
    json_format.ParseDict(without_references(dict(wire)), struct)
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


def _plain_json(value: Any) -> bool:
    """True when `value` holds only dicts, lists and JSON scalars (immutable leaves a proxy may share)."""
    if isinstance(value, dict):
        return all(_plain_json(item) for item in value.values())
    if isinstance(value, list):
        return all(_plain_json(item) for item in value)
    return value is None or isinstance(value, (str, bool, int, float))


class _Properties:
    """A request's `properties` Struct, deserialized once as the SDK does it (`sdk.deserialize`); `proxy()`
    wraps it in a fresh unknown-checking proxy per call."""

    __slots__ = ("_checked", "_value", "struct")

    def __init__(self, struct: struct_pb2.Struct) -> None:
        self.struct = struct
        self._value: dict[str, Any] | None = None
        self._checked = False

    def _deserialize(self) -> dict[str, Any]:
        return deserialize(json_format.MessageToDict(self.struct))

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
            return fast_proxy(self._value, [])
        return sdk_proxy(self._deserialize())


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


class Entry:
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
        self._entries: dict[str, Entry] = {}

    def entry(self, resource: Resource) -> Entry:
        entry = self._entries.get(resource.urn)
        if entry is None or entry.resource is not resource:
            entry = Entry(resource, self.providers)
            self._entries[resource.urn] = entry
        return entry

    def stack_entries(self) -> list[Entry]:
        """Every resource AnalyzeStack lists: custom resources, providers excluded, in graph order."""
        return [self.entry(resource) for resource in self.graph if resource.custom and not resource.is_provider]


def stack_request(prepared: PreparedGraph) -> analyzer_pb2.AnalyzeStackRequest:
    request = analyzer_pb2.AnalyzeStackRequest()
    for entry in prepared.stack_entries():
        request.resources.append(entry.stack_item())
    return request


__all__ = ["PreparedGraph", "stack_request"]
