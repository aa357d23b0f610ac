"""The policy gate: run a program offline, evaluate every registered CrossGuard policy, return Findings.

The gate follows `pulumi preview --policy-pack` semantics: resource policies for every custom resource, then
stack policies; enforcement levels resolved config > policy > pack default (mandatory) by the SDK's own
analyzer; per-policy config validated against each policy's schema (with the schema's defaults applied, as the
CLI does). On top of that it adds what an auditor needs:

- *floors*: a policy config that loosens a property below its `META.floors` entry (a shorter retention, a
  weaker TLS policy) is a mandatory finding, even when the policy itself passes;
- *unknown values*: a policy the SDK cannot run during preview becomes an advisory finding, never a pass;
- *exemptions*: reviewed, dated exceptions (`policies/exemptions.yaml`) move matching findings aside; an
  expired exemption is itself a mandatory finding.

Floors (`META.floors[prop]`) take one of these forms:

- a number: loosened when the configured value is lower;
- a string: the floor within the property's schema `enum`, read as an ordering from weakest to strongest;
- a list of strings: the ordering from weakest to strongest; the floor is the property's schema `default`;
- `{"floor": value, "order": [weakest, ..., strongest]}`: explicit ordering and floor.

A string value earlier in the ordering than the floor (or absent from it) is loosened.

Usage::

    from trustfabric.gate import run_gate

    result = run_gate("path/to/program", "prod", policy_config_file=Path("policy.yaml"))
    for finding in result.findings:
        print(finding.enforcement, finding.policy, finding.resource.name, finding.message)
    raise SystemExit(result.exit_code)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import gc
import json
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from .analyzer import Analyzer, Diagnostic
from .errors import TrustFabricError
from .exemptions import Exemption, load_exemptions
from .findings import ENFORCEMENT_LEVELS, SEVERITIES, Finding, ResourceRef, sort_key
from .graph import STACK_TYPE, ResourceGraph

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EXEMPTIONS = REPO_ROOT / "policies" / "exemptions.yaml"

Progress = Callable[[str], None]


def registered_policies() -> list[Any]:
    """Every policy the registry finds under policies/<provider>/ (imported lazily: it imports the pack)."""
    from policies.registry import all_policies

    return list(all_policies())


# ------------------------------------------------------------------------------------------------------------
# Policy metadata access (policies built without our helpers still work, with fewer details)


def policy_meta(policy: Any) -> Any:
    """The policy's PolicyMeta, or None for a bare pulumi_policy object."""
    return getattr(policy, "meta", None)


def policy_schema(policy: Any) -> tuple[dict[str, Any], list[str]] | None:
    """The policy's config schema as (properties, required), or None when it takes no config."""
    meta = policy_meta(policy)
    if meta is not None and meta.config_schema is not None:
        return dict(meta.config_schema), list(meta.config_required)
    schema = getattr(policy, "config_schema", None)
    if schema is not None:
        return dict(schema.properties or {}), list(schema.required or [])
    return None


def policy_severity(policy: Any, fallback: str = "") -> str:
    meta = policy_meta(policy)
    if meta is not None and meta.severity in SEVERITIES:
        return str(meta.severity)
    sdk = getattr(policy, "severity", None)
    value = getattr(sdk, "value", sdk)
    if isinstance(value, str) and value in SEVERITIES:
        return value
    return fallback if fallback in SEVERITIES else "medium"


def policy_controls(policy: Any) -> tuple[str, ...]:
    meta = policy_meta(policy)
    return tuple(meta.control_ids) if meta is not None else ()


def policy_remediation(policy: Any) -> str:
    meta = policy_meta(policy)
    if meta is not None:
        return str(meta.remediation)
    return str(getattr(policy, "remediation_steps", None) or "")


# ------------------------------------------------------------------------------------------------------------
# Floors


@dataclass(frozen=True)
class Floor:
    """A config property's floor: a number, or a string within an ordering from weakest to strongest."""

    value: Any
    order: tuple[str, ...] | None = None

    def loosened_by(self, configured: Any) -> bool:
        """True when `configured` is weaker than the floor."""
        if self.order is None:
            if isinstance(configured, bool) or not isinstance(configured, (int, float)):
                return True  # not a number: it cannot be shown to meet a numeric floor
            return bool(configured < self.value)
        if configured not in self.order:
            return True
        return self.order.index(configured) < self.order.index(self.value)


def parse_floor(prop: str, spec: Any, schema_properties: Mapping[str, Any] | None) -> Floor:
    """Read one `META.floors` entry (see the module docstring); ValueError names what is wrong."""
    prop_schema = (schema_properties or {}).get(prop)
    if prop_schema is None:
        raise ValueError(f"floor for {prop!r}: not a property of the policy's config_schema")
    if isinstance(spec, bool):
        raise ValueError(f"floor for {prop!r}: expected a number, a string or an ordering, got a boolean")
    if isinstance(spec, (int, float)):
        return Floor(spec)
    if isinstance(spec, str):
        enum = prop_schema.get("enum")
        if not isinstance(enum, list) or spec not in enum:
            raise ValueError(f"floor for {prop!r}: a string floor must be one of the property's schema enum")
        return Floor(spec, tuple(str(item) for item in enum))
    if isinstance(spec, Mapping):
        order, floor = spec.get("order"), spec.get("floor")
    elif isinstance(spec, (list, tuple)):
        order, floor = spec, prop_schema.get("default")
    else:
        raise ValueError(f"floor for {prop!r}: expected a number, a string or an ordering")
    if not isinstance(order, (list, tuple)) or not order or not all(isinstance(item, str) for item in order):
        raise ValueError(f"floor for {prop!r}: the ordering must be a non-empty list of strings")
    if floor not in order:
        raise ValueError(f"floor for {prop!r}: the floor {floor!r} is not in the ordering {list(order)}")
    return Floor(floor, tuple(order))


def policy_floors(policy: Any) -> dict[str, Floor]:
    """The policy's floors, parsed; raises ValueError for malformed metadata (tests/policies/test_meta.py)."""
    meta = policy_meta(policy)
    if meta is None or not meta.floors:
        return {}
    schema = policy_schema(policy)
    properties = schema[0] if schema else None
    return {prop: parse_floor(prop, spec, properties) for prop, spec in meta.floors.items()}


# ------------------------------------------------------------------------------------------------------------
# Policy config


@dataclass(frozen=True)
class PolicyConfig:
    """A validated policy config file: per policy an optional enforcement level and properties."""

    source: str = ""
    levels: dict[str, str] = field(default_factory=dict)
    properties: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Only the properties the file sets (schema defaults are added for the analyzer)."""

    def analyzer_config(self, policies: Sequence[Any]) -> dict[str, dict[str, Any]]:
        """What the CLI sends in Configure: schema defaults overlaid with the file's values, plus levels."""
        config: dict[str, dict[str, Any]] = {}
        for policy in policies:
            entry: dict[str, Any] = {}
            schema = policy_schema(policy)
            if schema is not None:
                for prop, prop_schema in schema[0].items():
                    if isinstance(prop_schema, Mapping) and "default" in prop_schema:
                        entry[prop] = prop_schema["default"]
            entry.update(self.properties.get(policy.name, {}))
            if policy.name in self.levels:
                entry["enforcementLevel"] = self.levels[policy.name]
            if entry:
                config[policy.name] = entry
        return config


def _read_structured(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise TrustFabricError(f"{path}: cannot read: {error.strerror or error}") from None
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except ValueError as error:
            raise TrustFabricError(f"{path}: not valid JSON: {error}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise TrustFabricError(f"{path}: not valid YAML: {' '.join(str(error).split())}") from None


def _unknown_policy(source: str, name: str, known: Sequence[str]) -> TrustFabricError:
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean {close[0]!r}?" if close else "see docs/policies.md for the policy names"
    return TrustFabricError(f"{source}: {name}: unknown policy; {hint}")


def _check_level(source: str, name: str, level: Any) -> str:
    if not isinstance(level, str) or level not in ENFORCEMENT_LEVELS:
        allowed = ", ".join(ENFORCEMENT_LEVELS)
        raise TrustFabricError(f"{source}: {name}.enforcementLevel: {level!r} is not allowed; allowed: {allowed}")
    return level


def _check_properties(source: str, policy: Any, props: dict[str, Any]) -> None:
    name = policy.name
    schema = policy_schema(policy)
    properties, required = schema if schema is not None else ({}, [])
    for prop in props:
        if prop not in properties:
            allowed = f"allowed: {', '.join(sorted(properties))}" if properties else "this policy takes no config"
            raise TrustFabricError(f"{source}: {name}.{prop}: unknown property; {allowed}")
    if schema is None:
        return
    defaults = {
        prop: prop_schema["default"]
        for prop, prop_schema in properties.items()
        if isinstance(prop_schema, Mapping) and "default" in prop_schema
    }
    object_schema = {"type": "object", "properties": properties, "required": required}
    validator_class = jsonschema.validators.validator_for(object_schema, default=jsonschema.Draft7Validator)
    validator = validator_class(object_schema)
    errors = sorted(validator.iter_errors({**defaults, **props}), key=lambda e: [str(p) for p in e.absolute_path])
    for error in errors:
        if error.validator == "required":
            missing = next((p for p in required if p not in props and p not in defaults), "?")
            raise TrustFabricError(f"{source}: {name}.{missing}: required property is missing")
        path = ".".join(str(part) for part in error.absolute_path)
        raise TrustFabricError(f"{source}: {name}.{path}: {error.message}")


def load_policy_config(path: Path, policies: Sequence[Any]) -> PolicyConfig:
    """Read and validate a policy config file (JSON or YAML, Pulumi's policy config shape).

    Raises TrustFabricError, one line naming the file, the policy and the key, for an unknown policy, an
    unknown enforcement level, an unknown property, or a value invalid against the policy's config schema.
    """
    source = str(path)
    data = _read_structured(path)
    if data is None:
        return PolicyConfig(source)
    if not isinstance(data, dict):
        raise TrustFabricError(f"{source}: expected a mapping of policy name to its config, got {type(data).__name__}")
    by_name = {policy.name: policy for policy in policies}
    levels: dict[str, str] = {}
    properties: dict[str, dict[str, Any]] = {}
    for name, entry in data.items():
        name = str(name)
        if name not in by_name:
            raise _unknown_policy(source, name, list(by_name))
        if isinstance(entry, str):
            levels[name] = _check_level(source, name, entry)
            continue
        if not isinstance(entry, dict):
            raise TrustFabricError(
                f"{source}: {name}: expected an enforcement level or a mapping, got {type(entry).__name__}"
            )
        props = {str(key): value for key, value in entry.items() if key != "enforcementLevel"}
        if "enforcementLevel" in entry:
            levels[name] = _check_level(source, name, entry["enforcementLevel"])
        _check_properties(source, by_name[name], props)
        if props:
            properties[name] = props
    return PolicyConfig(source, levels, properties)


# ------------------------------------------------------------------------------------------------------------
# Findings


@dataclass
class GateResult:
    """What one gate run found."""

    graph: ResourceGraph
    findings: list[Finding]
    """Counted findings, sorted (most severe first)."""
    exempted: list[Finding]
    """Findings a live exemption covers: shown, not counted (`extra["exemption"]` holds the entry)."""
    resources_evaluated: int
    """Custom resources (providers excluded) the resource policies ran against."""
    policies_evaluated: int = 0

    @property
    def mandatory(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.is_mandatory]

    @property
    def advisory(self) -> list[Finding]:
        return [finding for finding in self.findings if not finding.is_mandatory]

    @property
    def exit_code(self) -> int:
        """0 when no mandatory violation, 1 otherwise (the CLI contract)."""
        return 1 if self.mandatory else 0


def stack_ref(graph: ResourceGraph) -> ResourceRef:
    """The stack itself, for stack-wide findings."""
    name = f"{graph.project}-{graph.stack}"
    urn = graph.stack_urn or f"urn:pulumi:{graph.stack}::{graph.project}::{STACK_TYPE}::{name}"
    return ResourceRef(urn=urn, type=STACK_TYPE, name=name)


def resource_ref(graph: ResourceGraph, urn: str) -> ResourceRef:
    """urn, type and name of a resource: from the graph, else parsed from the URN; the stack for ''."""
    if not urn:
        return stack_ref(graph)
    resource = graph.get(urn)
    if resource is not None:
        return ResourceRef(urn=resource.urn, type=resource.type, name=resource.name)
    parts = urn.split("::")
    if len(parts) >= 4:
        return ResourceRef(urn=urn, type=parts[2].split("$")[-1], name="::".join(parts[3:]))
    return ResourceRef(urn=urn)


def _find_resource(graph: ResourceGraph, urn_or_name: str) -> ResourceRef:
    if graph.get(urn_or_name) is not None:
        return resource_ref(graph, urn_or_name)
    for resource in graph.custom_resources:
        if resource.name == urn_or_name:
            return resource_ref(graph, resource.urn)
    return stack_ref(graph)


def diagnostic_finding(diagnostic: Diagnostic, policy: Any, graph: ResourceGraph) -> Finding:
    """One analyzer Diagnostic as a Finding (remediate reports as mandatory; can't-run as advisory)."""
    resource = resource_ref(graph, diagnostic.urn)
    common: dict[str, Any] = {
        "policy": diagnostic.policy,
        "severity": policy_severity(policy, diagnostic.severity),
        "resource": resource,
        "controls": policy_controls(policy),
        "remediation": policy_remediation(policy),
    }
    if diagnostic.cannot_run:
        reason = diagnostic.message.split("during preview: ", 1)[-1]
        return Finding(
            enforcement="advisory",
            message=f"not evaluated: {reason}; compliance is not proven until the value is known",
            extra={"kind": "cannot-run"},
            **common,
        )
    enforcement = "mandatory" if diagnostic.enforcement in ("mandatory", "remediate") else "advisory"
    return Finding(enforcement=enforcement, message=diagnostic.detail, **common)


def floor_findings(config: PolicyConfig, policies: Sequence[Any], graph: ResourceGraph) -> list[Finding]:
    """A mandatory finding per configured property loosened below its policy's floor."""
    found: list[Finding] = []
    for policy in policies:
        configured = config.properties.get(policy.name, {})
        if not configured:
            continue
        for prop, floor in policy_floors(policy).items():
            if prop not in configured or not floor.loosened_by(configured[prop]):
                continue
            controls = policy_controls(policy)
            found.append(
                Finding(
                    policy=policy.name,
                    enforcement="mandatory",
                    severity=policy_severity(policy),
                    message=(
                        f"config loosens {prop} to {configured[prop]}, below the floor {floor.value}; "
                        f"controls {', '.join(controls) or '-'} report failing"
                    ),
                    resource=stack_ref(graph),
                    controls=controls,
                    remediation=(
                        f"Set {prop} to {floor.value} or stronger in {config.source}, or remove the override."
                    ),
                    extra={"kind": "loosened-config"},
                )
            )
    return found


def expired_finding(exemption: Exemption, policy: Any, graph: ResourceGraph, source: str) -> Finding:
    return Finding(
        policy=exemption.policy,
        enforcement="mandatory",
        severity=policy_severity(policy),
        message=(
            f"exemption for {exemption.policy} on {exemption.resource} expired on "
            f"{exemption.expires.isoformat()} (approved by {exemption.approver})"
        ),
        resource=_find_resource(graph, exemption.resource),
        controls=policy_controls(policy),
        remediation=f"Fix the violation and remove the exemption, or renew it after review in {source}.",
        extra={"kind": "expired-exemption"},
    )


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str, str, str]] = set()
    unique = []
    for finding in findings:
        key = (finding.policy, finding.resource.urn, finding.enforcement, finding.message)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def _crashed_policy(error: BaseException) -> str:
    """The policy module (or other code) an exception was raised in, from its traceback."""
    where = ""
    for frame, lineno in traceback.walk_tb(error.__traceback__):
        module = str(frame.f_globals.get("__name__", ""))
        if module.startswith("policies.") or module.startswith("tests."):
            where = f"{module}:{lineno}"
    return where or "the policy pack"


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Evaluation allocates millions of short-lived objects (proxies, args, protobufs) beside a graph that may
    hold millions more, and the cyclic collector kept rescanning them: on a 10,000-resource graph about a fifth
    of the gate's time. Those objects are freed by reference counting; evaluation leaves almost no cycles (25
    objects on that graph), so the collector is paused while it runs and resumed after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@_collector_paused()
def _analyze(analyzer: Analyzer, graph: ResourceGraph) -> list[Diagnostic]:
    """Resource policies per resource, then stack policies; a crashing policy is one clear error line."""
    diagnostics: list[Diagnostic] = []
    prepared = analyzer.prepare(graph)  # each resource's request is built once, for both passes
    for resource in graph.custom_resources:
        try:
            diagnostics += analyzer.analyze_resources(prepared, [resource])
        except Exception as error:
            raise TrustFabricError(
                f"policy evaluation failed on {resource.urn} in {_crashed_policy(error)}: "
                f"{type(error).__name__}: {_one_line(error)}"
            ) from error
    try:
        diagnostics += analyzer.analyze_stack(prepared)
    except Exception as error:
        raise TrustFabricError(
            f"stack policy evaluation failed in {_crashed_policy(error)}: {type(error).__name__}: {_one_line(error)}"
        ) from error
    return diagnostics


def run_gate(
    program_dir: str | Path,
    stack: str,
    policy_config_file: Path | None = None,
    exemptions_file: Path | None = None,
    graph: ResourceGraph | None = None,
    *,
    policies: Sequence[Any] | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> GateResult:
    """Run the program (unless `graph` is given), evaluate every policy, apply floors and exemptions.

    `exemptions_file` defaults to `policies/exemptions.yaml` of this repository (absent means none);
    `policies` defaults to every registered policy; `progress` receives short status lines.
    Bad input (config, exemptions, stack files, program errors) raises TrustFabricError.
    """
    from .engine import run_program

    report = progress or (lambda _message: None)
    policy_list = list(policies) if policies is not None else registered_policies()
    by_name = {policy.name: policy for policy in policy_list}
    config = load_policy_config(Path(policy_config_file), policy_list) if policy_config_file else PolicyConfig()
    exemptions_path = Path(exemptions_file) if exemptions_file is not None else DEFAULT_EXEMPTIONS
    exemptions: list[Exemption] = []
    if exemptions_file is not None or exemptions_path.is_file():
        exemptions = load_exemptions(exemptions_path, known_policies=set(by_name))

    if graph is None:
        report(f"running {program_dir} for stack {stack} under the offline engine")
        graph = run_program(program_dir, stack)

    report(f"evaluating {len(policy_list)} policies against {len(graph.custom_resources)} resources")
    analyzer = Analyzer(policy_list, policy_config=config.analyzer_config(policy_list))
    diagnostics = _analyze(analyzer, graph)
    findings = [diagnostic_finding(d, by_name.get(d.policy), graph) for d in diagnostics]
    findings += floor_findings(config, policy_list, graph)

    day = today or dt.date.today()
    live = [exemption for exemption in exemptions if exemption.is_live(day)]
    counted: list[Finding] = []
    exempted: list[Finding] = []
    for finding in _dedupe(findings):
        exemption = next((e for e in live if e.matches(finding)), None)
        if exemption is None:
            counted.append(finding)
        else:
            exempted.append(replace(finding, extra={**finding.extra, "exemption": exemption.as_dict()}))
    for exemption in exemptions:
        if not exemption.is_live(day):
            counted.append(expired_finding(exemption, by_name.get(exemption.policy), graph, str(exemptions_path)))

    return GateResult(
        graph=graph,
        findings=sorted(counted, key=sort_key),
        exempted=sorted(exempted, key=sort_key),
        resources_evaluated=len(graph.custom_resources),
        policies_evaluated=len(policy_list),
    )


__all__ = [
    "DEFAULT_EXEMPTIONS",
    "Floor",
    "GateResult",
    "PolicyConfig",
    "diagnostic_finding",
    "load_policy_config",
    "parse_floor",
    "policy_floors",
    "registered_policies",
    "run_gate",
]
