"""The fast evaluation: the servicer's `Analyze` and `AnalyzeStack` loops on prepared requests.

The servicer's `Analyze` turns the request's properties (and its provider's) back into Python once per policy,
and `AnalyzeStack` does it once per stack policy for every resource: on a 10,000-resource program that
conversion, not the policies, was most of the gate's time. `FastEvaluation` runs the servicer's own loop with the
servicer's own helpers (enforcement levels, config, options, violation reporting, runtime settings) and differs
only in what no policy can observe:

- the SDK's deserialization runs once per resource and provider instead of once per policy
  (trustfabric.gate.requests); every policy still gets its own freshly built unknown-checking proxy;
- which policies run for a resource type is decided once per type and policy config, and a resource policy
  carrying `resource_types` (PolicyInfo.resource_types: the pack's contract is that it validates only those
  types) is not called for a resource of another type.

It follows the loop of pulumi-policy `sdk.REVIEWED_SDK_VERSION`; on any other release the Analyzer uses the
servicer's own methods instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from inspect import isawaitable
from typing import Any

from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import (
    EnforcementLevel,
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from .info import policy_info
from .requests import Entry
from .sdk import NotApplicableError, Servicer, UnknownValueError


def declared_resource_types(policy: Any) -> frozenset[str] | None:
    """The only types a resource policy validates (its PolicyInfo.resource_types), else None."""
    return policy_info(policy).resource_types


def _run_validation(result: Any) -> None:
    # As the servicer runs an async validate: on a new event loop of its own.
    if isawaitable(result):
        loop = asyncio.new_event_loop()
        task: asyncio.Task[Any] = asyncio.Task(result, loop=loop)  # type: ignore[arg-type]
        loop.run_until_complete(task)
        loop.close()


class FastEvaluation:
    """`Analyze` and `AnalyzeStack` of pulumi-policy REVIEWED_SDK_VERSION, on prepared requests.

    Every step the servicer takes per policy is taken here in the same order with the servicer's own helpers;
    only the deserialization is shared (see the module docstring) and typed policies skip foreign types.
    """

    def __init__(self, servicer: Servicer, policies: Sequence[Any]) -> None:
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
        levels = self.servicer.configured_levels
        if levels is not self._planned_for:  # Configure replaces this dict: plan again
            self._plans, self._planned_for = {}, levels
        plan = self._plans.get(resource_type)
        if plan is None:
            deserializes = False
            steps: list[tuple[Any, EnforcementLevel | None]] = []
            for policy in self.policies:
                level = self.servicer.enforcement_level(policy)
                if level == EnforcementLevel.DISABLED or not isinstance(policy, ResourceValidationPolicy):
                    continue
                if not policy.has_validation():
                    steps.append((policy, None))
                    continue
                deserializes = True
                types = self.types[id(policy)]
                if types is not None and resource_type not in types:
                    continue  # the pack's contract: a typed policy validates only its own types
                steps.append((policy, EnforcementLevel.MANDATORY if level == EnforcementLevel.REMEDIATE else level))
            plan = self._plans[resource_type] = (deserializes, steps)
        return plan

    def _cannot_run(self, response: Any, policy: Any, error: UnknownValueError) -> None:
        servicer = self.servicer
        name, version = servicer.pack_name, servicer.pack_version
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
                enforcementLevel=servicer.map_enforcement_level(EnforcementLevel.ADVISORY),
            )
        )

    def analyze(self, entry: Entry) -> Any:
        servicer = self.servicer
        servicer.configure_runtime_settings()
        stack_tags = servicer.stack_tags
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
            report_violation = servicer.create_report_violation(
                response, policy.name, policy.description, enforcement_level, policy.severity
            )
            props = entry.properties.proxy()
            opts = servicer.resource_options(request)
            provider = entry.provider.policy_provider() if entry.provider is not None else None
            config = servicer.policy_config(policy.name)
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
        except NotApplicableError as error:
            response.not_applicable.append(
                analyzer_pb2.PolicyNotApplicable(policy_name=policy.name, reason=error.reason or "")
            )

    def analyze_stack(self, entries: Sequence[Entry]) -> Any:
        servicer = self.servicer
        servicer.configure_runtime_settings()
        stack_tags = servicer.stack_tags
        response = analyzer_pb2.AnalyzeResponse()
        for policy in self.policies:
            enforcement_level = servicer.enforcement_level(policy)
            if enforcement_level == EnforcementLevel.DISABLED or not isinstance(policy, StackValidationPolicy):
                continue
            if enforcement_level == EnforcementLevel.REMEDIATE:
                enforcement_level = EnforcementLevel.MANDATORY
            report_violation = servicer.create_report_violation(
                response, policy.name, policy.description, enforcement_level, policy.severity
            )
            # Fresh PolicyResource objects (and proxies) for every policy, wired like the servicer wires them.
            intermediates: list[tuple[PolicyResource, str, list[str], list[tuple[str, list[str]]]]] = []
            for entry in entries:
                entry.properties.ensure()
                props = entry.properties.proxy()
                opts = servicer.resource_options(entry.request)
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
            config = servicer.policy_config(policy.name)
            args = StackValidationArgs([resource for resource, _, _, _ in intermediates], config, stack_tags)
            self._validate(response, policy, args, report_violation)
        return response


__all__ = ["FastEvaluation", "declared_resource_types"]
