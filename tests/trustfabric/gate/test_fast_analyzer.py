"""The fast evaluation (deserialize once, typed prefilter, collector paused) gives exactly what the SDK's own
servicer gives: the same AnalyzeResponse messages, request by request, on whole stacks with violations,
unknown values and every enforcement level."""

from __future__ import annotations

import asyncio
import copy
import functools

import pytest
from pulumi_policy import ResourceValidationPolicy, StackValidationPolicy
from pulumi_policy.proxy import UnknownValueError, _DictProxy, _ListProxy, unknown_checking_proxy

import trustfabric.gate.run as gate_module
import trustfabric.gate.sdk as analyzer_module
from policies.base import PolicyMeta, resource_policy
from tests.trustfabric.helpers import pack_policies
from trustfabric.gate import PolicyConfig, run_gate
from trustfabric.gate.analyzer import Analyzer
from trustfabric.gate.fast import declared_resource_types
from trustfabric.gate.requests import PreparedGraph, stack_request
from trustfabric.gate.sdk import REVIEWED_SDK_VERSION, SDK_VERSION
from trustfabric.gate.sdk import fast_proxy as _unknown_checking_proxy
from trustfabric.golden import load_snapshot
from trustfabric.graph import UNKNOWN, ResourceGraph

# ------------------------------------------------------------------------------------------------------------
# Fixtures: the prod stack, broken in several ways, and policies that exercise the servicer's corner cases


def _break(graph: ResourceGraph) -> ResourceGraph:
    """The graph with violations a compliant stack never shows: tags dropped, values unknown, flags off."""
    broken = copy.deepcopy(graph)
    for index, resource in enumerate(r for r in broken if r.custom and not r.is_provider):
        inputs = resource.inputs
        if index % 3 == 0:
            inputs.pop("tags", None)
        if index % 5 == 1:
            for key, value in list(inputs.items()):
                if isinstance(value, (str, bool, int, float)):
                    inputs[key] = UNKNOWN
        if index % 7 == 2:
            for key, value in list(inputs.items()):
                if isinstance(value, bool):
                    inputs[key] = not value
        if index % 11 == 3:
            resource.property_dependencies = {}
    return broken


@pytest.fixture(scope="module")
def broken_prod() -> ResourceGraph:
    return _break(load_snapshot("prod"))


META = PolicyMeta(
    id="TF-TEST-FAST",
    name="test-fast",
    description="Exercises the servicer's corner cases.",
    severity="low",
    topics=("test",),
    controls={"SOC2": ("CC6.1",)},
    remediation="None.",
)


def _meta(name: str) -> PolicyMeta:
    return PolicyMeta(**{**META.__dict__, "name": name})


def _mutating(args, report_violation):
    # Writes into its own props; the next policy must not see it (each gets fresh containers).
    args.props["tags"] = {"mutated": "yes"}
    if args.provider is not None:
        args.provider.props["region"] = "mutated"


def _observer(args, report_violation):
    tags = args.props.get("tags")
    region = args.provider.props.get("region") if args.provider is not None else None
    if tags == {"mutated": "yes"} or region == "mutated":
        report_violation(f"saw another policy's change on '{args.name}'")


async def _async_check(args, report_violation):
    await asyncio.sleep(0)
    if args.resource_type.startswith("aws:kms/"):
        report_violation(f"async: {args.name}")


def _not_applicable(args, report_violation):
    if args.resource_type.startswith("aws:s3/"):
        args.not_applicable("not for buckets")


def _report_all(args, report_violation):
    if args.resource_type != "aws:kms/key:Key":
        report_violation(f"seen {args.name}")


def _stack_mutating(args, report_violation):
    for resource in args.resources:
        resource.props["tags"] = {"mutated": "yes"}
        resource.dependencies.clear()


def _stack_observer(args, report_violation):
    for resource in args.resources:
        if "tags" in resource.props and resource.props["tags"] == {"mutated": "yes"}:
            report_violation("saw another stack policy's change", resource.urn)
        if resource.parent is not None and resource.parent.urn != resource.opts.parent:
            report_violation("parent wired wrongly", resource.urn)
        for key, deps in resource.property_dependencies.items():
            report_violation(f"{key}: {','.join(d.name for d in deps)}", resource.urn)
            break


def _corner_policies() -> list:
    remediate_only = ResourceValidationPolicy(
        name="test-remediate-only", description="Remediates only.", remediate=lambda args: None
    )
    untyped = resource_policy(_meta("test-fast-untyped"), _report_all)
    return [
        resource_policy(_meta("test-fast-mutating"), _mutating),
        resource_policy(_meta("test-fast-observer"), _observer),
        ResourceValidationPolicy(name="test-fast-async", description="Async.", validate=_async_check),
        resource_policy(_meta("test-fast-not-applicable"), _not_applicable),
        remediate_only,
        untyped,
        StackValidationPolicy(name="test-fast-stack-mutating", description="Mutates.", validate=_stack_mutating),
        StackValidationPolicy(name="test-fast-stack-observer", description="Observes.", validate=_stack_observer),
    ]


def _config(policies: list) -> dict:
    """Every enforcement level in play, plus the schema defaults the CLI sends."""
    config = PolicyConfig().analyzer_config(policies)
    levels = ["disabled", "advisory", "remediate", None]
    for index, policy in enumerate(policies):
        level = levels[index % len(levels)]
        if level is not None:
            config.setdefault(policy.name, {})["enforcementLevel"] = level
    return config


def _both(policies: list, config: dict | None = None) -> tuple[Analyzer, Analyzer]:
    fast = Analyzer(policies, policy_config=config)
    reference = Analyzer(policies, policy_config=config, reference=True)
    assert fast.fast is not None and reference.fast is None
    return fast, reference


def _assert_same_responses(graph: ResourceGraph, fast: Analyzer, reference: Analyzer) -> int:
    """Compare the raw AnalyzeResponse of every request and of the stack; return the diagnostics seen."""
    prepared = fast.prepare(graph)
    seen = 0
    for resource in graph.custom_resources:
        entry = prepared.entry(resource)
        expected = reference.servicer.Analyze(entry.request, None)
        assert fast.fast is not None
        assert fast.fast.analyze(entry) == expected, resource.urn
        seen += len(expected.diagnostics) + len(expected.not_applicable)
    expected_stack = reference.servicer.AnalyzeStack(stack_request(prepared), None)
    assert fast.fast.analyze_stack(prepared.stack_entries()) == expected_stack
    return seen + len(expected_stack.diagnostics)


# ------------------------------------------------------------------------------------------------------------


def test_the_fast_path_follows_the_installed_sdk_release():
    # A pulumi-policy upgrade must be reviewed against the servicer's new Analyze/AnalyzeStack first.
    assert SDK_VERSION == REVIEWED_SDK_VERSION


def test_another_sdk_release_falls_back_to_the_servicer(monkeypatch):
    monkeypatch.setattr(analyzer_module, "SDK_VERSION", "9.9.9")
    assert Analyzer(pack_policies()).fast is None


def test_every_registered_policy_gives_the_servicers_responses_on_a_broken_prod_stack(broken_prod):
    policies = pack_policies()
    fast, reference = _both(policies)
    assert _assert_same_responses(broken_prod, fast, reference) > 50


def test_enforcement_levels_and_config_resolve_as_in_the_servicer(broken_prod):
    policies = pack_policies()
    fast, reference = _both(policies, _config(policies))
    assert _assert_same_responses(broken_prod, fast, reference) > 20


def test_corner_cases_give_the_servicers_responses(broken_prod):
    policies = [*pack_policies()[:5], *_corner_policies()]
    fast, reference = _both(policies)
    _assert_same_responses(broken_prod, fast, reference)
    diagnostics = fast.analyze(broken_prod)
    names = {d.policy for d in diagnostics if not d.cannot_run}
    # The mutations stayed with the policy that made them; the other corner cases did report.
    assert "test-fast-observer" not in names and "test-fast-stack-observer" in names
    assert {"test-fast-async", "test-fast-untyped"} <= names
    assert not any("another" in d.message for d in diagnostics)


def test_an_untyped_policy_is_not_filtered(broken_prod):
    untyped = _corner_policies()[5]
    assert declared_resource_types(untyped) is None
    found = Analyzer([untyped]).analyze_resources(broken_prod)
    assert found == Analyzer([untyped], reference=True).analyze_resources(broken_prod)


def test_a_policy_carrying_resource_types_runs_only_for_those_types(broken_prod):
    # The pack's contract (trustfabric.gate.info): a frozenset in `resource_types` names the only types the
    # policy validates, however its validate is built; the fast path trusts it and calls it for no other type.
    typed = resource_policy(_meta("test-fast-typed-attribute"), _report_all)
    typed.resource_types = frozenset({"aws:s3/bucket:Bucket"})
    assert declared_resource_types(typed) is typed.resource_types
    found = Analyzer([typed]).analyze_resources(broken_prod)
    assert found and {broken_prod.resources[d.urn].type for d in found} == {"aws:s3/bucket:Bucket"}


def test_every_typed_registered_policy_is_prefiltered():
    typed = [p for p in pack_policies() if getattr(p, "resource_types", None) is not None]
    assert typed
    for policy in typed:
        assert declared_resource_types(policy) is policy.resource_types, policy.name
    untyped = [p for p in pack_policies() if getattr(p, "resource_types", None) is None]
    assert all(declared_resource_types(policy) is None for policy in untyped)


def _shape(value):
    """A proxy tree as data: class, the private path it reports unknowns with, and its contents."""
    if isinstance(value, _DictProxy):
        target = value["__target"]
        return ("dict", value._DictProxy__props_acc, {key: _shape(target[key]) for key in target})
    if isinstance(value, _ListProxy):
        target = value["__target"]
        return ("list", value._ListProxy__props_acc, [_shape(item) for item in target])
    return ("leaf", type(value).__name__, value)


def test_the_proxy_builder_builds_what_the_sdk_builds(broken_prod):
    prepared = PreparedGraph(broken_prod)
    values = [
        {"a": [1, {"b": UNKNOWN, "c": [UNKNOWN, "x"]}], "d": {}, "e": [], "f": None, "g": 2.5, "h": True},
    ]
    for resource in broken_prod.custom_resources:
        properties = prepared.entry(resource).properties
        properties.ensure()
        if properties._value is not None:  # None: holds an asset, deserialized afresh per policy instead
            values.append(properties._value)
    assert len(values) > 100
    for value in values:
        built, expected = _unknown_checking_proxy(value, []), unknown_checking_proxy(value)
        assert _shape(built) == _shape(expected)
        # Fresh containers: writing into one proxy leaves the shared value and the next proxy alone.
        built["__mutation__"] = 1
        assert "__mutation__" not in value and "__mutation__" not in _unknown_checking_proxy(value, [])
    with pytest.raises(UnknownValueError) as error:
        _ = _unknown_checking_proxy(values[0], [])["a"][1]["c"][0]
    assert error.value.message == "string value at .a.1.c.0 can't be known during preview"


def test_the_gate_reports_the_same_findings_as_through_the_servicer(broken_prod, monkeypatch, tmp_path):
    none = tmp_path / "exemptions.yaml"
    none.write_text("exemptions: []\n")
    fast = run_gate(".", "prod", graph=broken_prod, exemptions_file=none, policies=pack_policies())
    monkeypatch.setattr(gate_module, "Analyzer", functools.partial(Analyzer, reference=True))
    reference = run_gate(".", "prod", graph=broken_prod, exemptions_file=none, policies=pack_policies())
    assert fast.findings == reference.findings and len(fast.findings) > 50
    assert fast.exempted == reference.exempted


def test_the_collector_is_paused_only_during_evaluation(broken_prod, monkeypatch):
    import gc

    seen: list[bool] = []
    real = Analyzer.analyze_stack
    monkeypatch.setattr(Analyzer, "analyze_stack", lambda self, graph: seen.append(gc.isenabled()) or real(self, graph))
    assert gc.isenabled()
    gate_module._analyze(Analyzer(pack_policies()[:3]), broken_prod)
    assert seen == [False] and gc.isenabled()
