"""The recording monitor: the SDK's `MockMonitor`, extended to record what the real engine would receive.

Every registration's inputs, parent, provider, region, dependencies, property dependencies and resource
options become a `Resource`; the stack's outputs are kept too. The SDK is imported only when a monitor is built.

Usage::

    from trustfabric.engine.monitor import create_monitor

    monitor = create_monitor(RecordingMocks("eu-west-2"), "trust-fabric", "prod", "eu-west-2")
"""

from __future__ import annotations

import contextvars
import threading
from typing import Any

from ..graph import STACK_TYPE, Resource
from .mocks import RecordingMocks
from .wire import has_references, without_references

_current_urn: contextvars.ContextVar[str] = contextvars.ContextVar("trustfabric_current_urn", default="")

# Resource options recorded when set: (request field, recorded name); list values are recorded sorted.
_FLAG_OPTIONS = (("protect", "protect"), ("retainOnDelete", "retain_on_delete"))
_LIST_OPTIONS = (
    ("ignoreChanges", "ignore_changes"),
    ("additionalSecretOutputs", "additional_secret_outputs"),
    ("replaceOnChanges", "replace_on_changes"),
)


def _resource_options(request: Any, message_to_dict: Any) -> dict[str, Any]:
    """The options of a RegisterResourceRequest the graph records (only those set)."""
    options: dict[str, Any] = {name: True for source, name in _FLAG_OPTIONS if getattr(request, source)}
    options.update(
        {name: sorted(getattr(request, source)) for source, name in _LIST_OPTIONS if getattr(request, source)}
    )
    if request.deleteBeforeReplaceDefined:
        options["delete_before_replace"] = request.deleteBeforeReplace
    if request.importId:
        options["import"] = request.importId
    if request.aliases:
        # Earlier identities the resource answers to (a move between components, a rename).
        options["aliases"] = [message_to_dict(alias) for alias in request.aliases]
    return options


def _region(request: Any, urn: str, inputs: dict[str, Any], mocks: RecordingMocks, default: str | None) -> str | None:
    """The region an AWS resource (or an AWS provider) lives in; None for anything else."""
    if request.type == "pulumi:providers:aws":
        return mocks.provider_regions.get(urn) or default
    if request.type.startswith("aws:"):
        # pulumi-aws 7 lets a resource override its provider's region with its own `region` input.
        own_region = inputs.get("region")
        return own_region if isinstance(own_region, str) else mocks.region_for(request.provider)
    return None


def create_monitor(
    mocks: RecordingMocks, project: str, stack: str, default_region: str | None, *, listener: Any = None
) -> Any:
    """A recording MockMonitor for one run of `project` for `stack`; `listener(kind, value)`, when given, is told
    of each registration (`"resource"`, Resource) and each registered output (`"outputs"`, (urn, outputs))."""
    from google.protobuf import json_format
    from pulumi.runtime import mocks as sdk_mocks
    from pulumi.runtime.proto import resource_pb2

    class RecordingMonitor(sdk_mocks.MockMonitor):
        def __init__(self) -> None:
            adapter = _SdkMocksAdapter(mocks)
            super().__init__(adapter)  # type: ignore[arg-type]
            adapter.monitor = self
            self.lock = threading.Lock()
            self.records: dict[str, Resource] = {}
            self.duplicates: list[str] = []
            self.stack_urn = ""
            self.stack_outputs: dict[str, Any] = {}

        def make_urn(self, parent: str, type_: str, name: str) -> str:
            # As the real engine does: the parent's full qualified type, except the root stack's.
            parent_type = parent.split("::")[2] if parent else ""
            if parent_type and parent_type != STACK_TYPE:
                type_ = f"{parent_type}${type_}"
            return f"urn:pulumi:{stack}::{project}::{type_}::{name}"

        def RegisterResource(self, request: Any) -> Any:
            urn = self.make_urn(request.parent, request.type, request.name)
            if request.type == STACK_TYPE:
                self.stack_urn = urn
                return resource_pb2.RegisterResourceResponse(urn=urn)
            inputs = json_format.MessageToDict(request.object)
            if request.type == "pulumi:providers:aws":
                mocks.register_provider(urn, inputs)
            elif request.type.startswith("pulumi:providers:"):
                mocks.provider_regions[urn] = None
            _current_urn.set(urn)
            response = super().RegisterResource(_plain_references(request, inputs, "object"))
            record = Resource(
                urn=urn,
                type=request.type,
                name=request.name,
                custom=bool(request.custom),
                parent=request.parent or None,
                provider=request.provider.rsplit("::", 1)[0] if request.provider else None,
                region=_region(request, urn, inputs, mocks, default_region),
                id=response.id,
                inputs=inputs,
                dependencies=sorted(set(request.dependencies)),
                property_dependencies={
                    key: sorted(set(value.urns)) for key, value in request.propertyDependencies.items()
                },
                options=_resource_options(request, json_format.MessageToDict),
            )
            with self.lock:
                if urn in self.records:
                    self.duplicates.append(urn)
                self.records[urn] = record
            if listener is not None:
                listener("resource", record)
            return response

        def ReadResource(self, request: Any) -> Any:
            properties = json_format.MessageToDict(request.properties)
            return super().ReadResource(_plain_references(request, properties, "properties"))

        def Invoke(self, request: Any) -> Any:
            return super().Invoke(_plain_references(request, json_format.MessageToDict(request.args), "args"))

        def RegisterResourceOutputs(self, request: Any) -> Any:
            outputs = json_format.MessageToDict(request.outputs)
            with self.lock:
                if request.urn == self.stack_urn:
                    self.stack_outputs = outputs
                elif request.urn in self.records:
                    self.records[request.urn].outputs = outputs
            if listener is not None:
                listener("outputs", (request.urn, outputs))
            return super().RegisterResourceOutputs(request)

    return RecordingMonitor()


def _plain_references(request: Any, values: dict[str, Any], field_name: str) -> Any:
    """The request with the resource references in its `field_name` Struct replaced by their IDs or URNs.

    The SDK's MockMonitor deserializes what it receives, and deserializing a reference rebuilds a live resource
    object from its URN on the monitor's thread, whose outputs never resolve: the run waited forever. The mocks
    get the values an analyzer gets (`trustfabric.engine.wire`); the recorded inputs keep the references."""
    if not has_references(values):
        return request
    from google.protobuf import json_format

    forwarded = type(request)()
    forwarded.CopyFrom(request)
    target = getattr(forwarded, field_name)
    target.Clear()
    json_format.ParseDict(without_references(values), target)
    return forwarded


class _SdkMocksAdapter:
    """Adapts RecordingMocks to the SDK's `Mocks` interface (it passes no URN, the monitor does)."""

    def __init__(self, mocks: RecordingMocks) -> None:
        self.mocks = mocks
        self.monitor: Any = None

    def new_resource(self, args: Any) -> tuple[str, dict[str, Any]]:
        urn = self.monitor.make_urn("", args.typ, args.name) if not _current_urn.get() else _current_urn.get()
        return self.mocks.new_resource(args, urn)

    def call(self, args: Any) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        return self.mocks.call(args), []

    def register_transform(self, transform: Any) -> None:
        pass

    def register_invoke_transform(self, transform: Any) -> None:
        pass


__all__ = ["create_monitor"]
