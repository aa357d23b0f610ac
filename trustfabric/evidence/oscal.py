"""OSCAL 1.1.3 documents, built with compliance-trestle's pydantic models and checked against NIST's JSON schemas.

- `component_definition`: one component, "Trust Fabric policy pack"; one control implementation per framework;
  per control an implemented requirement naming the policies evidencing it (props and links) and their
  configuration as set-parameters.
- `assessment_results`: one result for the stack run; an observation per policy and resource evaluated (and
  per finding), and a finding per control whose target status is satisfied or not-satisfied.

Control ids become OSCAL tokens (`soc2-cc6.1`, `cis-aws-3.0-3.6`); the framework's own id is kept in the
`original-control-id` prop.

The documents declare `oscal-version` 1.1.3 (`OSCAL_VERSION`) and `read_back` holds them to two checks: NIST's
published OSCAL 1.1.3 JSON schemas, vendored byte for byte in compliance/schemas/oscal-1.1.3/ (source, hashes and
licence in compliance/schemas/README.md), and compliance-trestle's models. compliance-trestle 5.2.0 implements
OSCAL 1.2.1 (`TRESTLE_OSCAL_VERSION`) and does not enforce the declared version; every construct used here is
valid in both versions, and the 1.1.3 schema is the authority for what the documents declare.

The schemas' token pattern uses the Unicode classes `\\p{L}` and `\\p{N}`, which Python's `re` lacks; `pattern`
keywords are evaluated with RE2 (google-re2), which implements them.

Usage::

    from trustfabric.evidence.oscal import assessment_results, component_definition, read_back

    definition = component_definition(catalog, policies, pack_version="0.1.0")
    Path("component-definition.json").write_text(definition.oscal_serialize_json(pretty=True))
    read_back(Path("component-definition.json"))   # the 1.1.3 JSON schema, then the trestle model
"""

# trestle's generated models declare hyphenated aliases ("control-id") and enum-typed fields; pydantic accepts
# the field names and the enum values at runtime (populate_by_name) and validates them, but mypy without the
# pydantic plugin sees only the aliases. The models' own validation is the check here (see read_back).
# mypy: disable-error-code="call-arg,arg-type"

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import re2  # google-re2
from jsonschema import Draft7Validator, ValidationError, validators
from trestle.oscal import OSCAL_VERSION as TRESTLE_OSCAL_VERSION
from trestle.oscal import assessment_results as ar
from trestle.oscal import common
from trestle.oscal import component as comp

from ..errors import TrustFabricError
from ..gate.info import policy_info
from ..paths import REPO_ROOT
from .controls import Catalog, oscal_control_id
from .matrix import ControlResult
from .status import ControlStatus

NAMESPACE = "https://github.com/trust-fabric/trust-fabric/ns/oscal"
CATALOG_HREF = "https://github.com/trust-fabric/trust-fabric/blob/main/compliance/controls.yaml"
_UUID_NAMESPACE = uuid.UUID("5b6f0c2e-7d55-4a43-9a51-0e5f8f3f6a10")

OSCAL_VERSION = "1.1.3"
"""The OSCAL version the documents declare and are validated against (the newest 1.1.x release)."""
SCHEMA_DIR = REPO_ROOT / "compliance" / "schemas" / f"oscal-{OSCAL_VERSION}"
SCHEMA_FILES = {
    "component-definition": "oscal_component_schema.json",
    "assessment-results": "oscal_assessment-results_schema.json",
}
TRESTLE_MODELS: dict[str, Any] = {
    "component-definition": comp.ComponentDefinition,
    "assessment-results": ar.AssessmentResults,
}
"""The trestle model of each supported OSCAL model key (the same keys as `SCHEMA_FILES`)."""


def stable_uuid(*parts: str) -> str:
    """A deterministic UUID (v5) so the same input gives the same document ids run after run."""
    return str(uuid.uuid5(_UUID_NAMESPACE, "\x1f".join(parts)))


@cache
def _namespace() -> Any:
    """NAMESPACE as the model's URL type, validated once."""
    return common.Property(name="ns", value="ns", ns=NAMESPACE).ns


@cache
def _validated_name(name: str) -> str:
    """A property name, validated once per name (the model's token pattern)."""
    return str(common.Property(name=name, value="-").name)


_SAFE_VALUE = re.compile(r"^\S(.*\S)?$", re.DOTALL)


def _prop(name: str, value: Any, *, with_ns: bool = True) -> common.Property:
    """A property built without re-validating each one (the assessment results hold about 200,000): the name
    and namespace are validated once, the value is one line of non-blank text by construction, and the written
    file is validated whole by `read_back` (the OSCAL JSON schema, then trestle's models)."""
    text = " ".join(str(value).split()) or "-"
    if not _SAFE_VALUE.match(text):
        return common.Property(name=name, value=text, ns=NAMESPACE if with_ns else None)
    fields: dict[str, Any] = {"name": _validated_name(name), "value": text}
    if with_ns:
        fields["ns"] = _namespace()
    return common.Property.model_construct(**fields)


def _metadata(title: str, version: str, when: dt.datetime) -> common.Metadata:
    return common.Metadata(title=title, last_modified=when, version=version, oscal_version=OSCAL_VERSION)


def _parameter_values(value: Any) -> list[str]:
    if isinstance(value, list):
        return [json.dumps(item) if not isinstance(item, str) else item for item in value] or ["[]"]
    return [value if isinstance(value, str) else json.dumps(value)]


def component_definition(
    catalog: Catalog,
    policies: Sequence[Any],
    *,
    pack_version: str,
    policy_config: dict[str, dict[str, Any]] | None = None,
    when: dt.datetime | None = None,
) -> comp.ComponentDefinition:
    """The policy pack as an OSCAL component definition (`policy_config`: effective config per policy)."""
    when = when or dt.datetime.now(dt.UTC)
    by_name = {policy.name: policy_info(policy) for policy in policies}
    config = policy_config or {}
    implementations = []
    for framework, controls in catalog.by_framework().items():
        requirements = []
        for control in controls:
            if not control.policies:
                continue
            set_parameters = []
            for name in control.policies:
                for prop, value in sorted(config.get(name, {}).items()):
                    if prop == "enforcementLevel":
                        continue
                    set_parameters.append(
                        comp.SetParameter(
                            param_id=f"{name}.{prop}", values=_parameter_values(value), remarks=f"config of {name}"
                        )
                    )
            props = [_prop("original-control-id", control.id)]
            props += [_prop("policy", name) for name in control.policies]
            links = [
                common.Link(href=(by_name[name].url if name in by_name else "") or CATALOG_HREF, rel="policy")
                for name in control.policies
            ]
            requirements.append(
                comp.ImplementedRequirement(
                    uuid=stable_uuid("requirement", control.key),
                    control_id=oscal_control_id(control.framework, control.id),
                    description=(
                        f"{control.summary} Evidenced by the policies {', '.join(control.policies)}, evaluated "
                        "against every resource of their types by `trustfabric check` and `pulumi preview`."
                    ),
                    props=props,
                    links=links,
                    set_parameters=set_parameters or None,
                )
            )
        if not requirements:
            continue
        info = catalog.frameworks.get(framework, {})
        implementations.append(
            comp.ControlImplementation(
                uuid=stable_uuid("implementation", framework),
                source=f"{CATALOG_HREF}#{oscal_control_id(framework, 'catalog')}",
                description=f"{info.get('title', framework)} ({info.get('version', '-')}): controls the pack evidences.",
                props=[_prop("framework", framework)],
                implemented_requirements=requirements,
            )
        )
    component = comp.DefinedComponent(
        uuid=stable_uuid("component", "policy-pack"),
        type="software",
        title="Trust Fabric policy pack",
        description=(
            f"The Pulumi CrossGuard policy pack of Trust Fabric: {len(policies)} policies evaluated before every "
            "deployment (trustfabric check) and by pulumi preview --policy-pack."
        ),
        purpose="Prevent non-compliant infrastructure from being deployed and evidence the controls it enforces.",
        props=[_prop("pack-version", pack_version), _prop("policies", len(policies))],
        control_implementations=implementations or None,
    )
    return comp.ComponentDefinition(
        uuid=stable_uuid("component-definition", pack_version),
        metadata=_metadata("Trust Fabric policy pack: component definition", pack_version, when),
        components=[component],
    )


def assessment_plan(results: Sequence[ControlResult], *, stack: str, pack_version: str) -> dict[str, Any]:
    """Everything the assessment results are built from, as plain data (and so the key of their cached template):
    the observations (each key once, in the order first met) and, per control, its finding."""
    observations: dict[tuple[str, ...], list[Any]] = {}

    def observe(
        key: tuple[str, ...], title: str, description: str, props: list[list[str]], *, finding: bool = False
    ) -> list[str]:
        if key not in observations:
            observations[key] = [list(key), title, description, finding, props]
        return list(key)

    findings = []
    for result in results:
        control = result.control
        related: list[list[str]] = []
        for evaluation in result.evaluations:
            failed = {f.resource.urn for f in evaluation.findings}
            for resource in evaluation.resources:
                outcome = "fail" if resource.urn in failed else "pass"
                related.append(
                    observe(
                        ("evaluation", evaluation.policy, resource.urn),
                        f"{evaluation.policy} on {resource.name}",
                        f"Policy {evaluation.policy} evaluated {resource.type} {resource.name}: {outcome}.",
                        [
                            ["policy", str(evaluation.policy)],
                            ["resource-urn", str(resource.urn)],
                            ["resource-type", str(resource.type)],
                            ["result", outcome],
                        ],
                    )
                )
        for finding in (*result.findings, *result.exempted):
            kind = str(finding.extra.get("kind") or ("exempted" if "exemption" in finding.extra else "violation"))
            related.append(
                observe(
                    ("finding", finding.policy, finding.resource.urn, finding.message),
                    f"{finding.policy}: {kind}",
                    finding.message,
                    [
                        ["policy", str(finding.policy)],
                        ["resource-urn", str(finding.resource.urn or "-")],
                        ["enforcement", str(finding.enforcement)],
                        ["severity", str(finding.severity)],
                        ["kind", kind],
                    ],
                    finding=True,
                )
            )
        for record in (*result.drills, *result.decisions, *result.tests):
            if record.status == "absent":
                continue
            related.append(
                observe(
                    ("run", record.name, record.source),
                    f"{record.name}: {record.status}",
                    f"{record.name} reported {record.status} ({record.detail or record.source}).",
                    [["run", str(record.name)], ["result", str(record.status)]],
                )
            )
        satisfied = result.status.satisfied
        findings.append(
            [
                control.key,
                f"{control.key}: {result.status.value}",
                "; ".join(result.reasons) or control.summary,
                [["original-control-id", str(control.id)], ["matrix-result", str(result.status.value)]],
                oscal_control_id(control.framework, control.id),
                control.title,
                "satisfied" if satisfied else "not-satisfied",
                "pass" if satisfied else ("fail" if result.status is ControlStatus.FAIL else "other"),
                related,
            ]
        )
    return {
        "stack": stack,
        "pack_version": pack_version,
        "observations": list(observations.values()),
        "findings": findings,
    }


def _assessment_model(plan: Mapping[str, Any], *, start: dt.datetime, end: dt.datetime) -> ar.AssessmentResults:
    stack, pack_version = plan["stack"], plan["pack_version"]
    tool = stable_uuid("tool", "trustfabric")
    origin = common.Origin(actors=[common.OriginActor(type="tool", actor_uuid=tool)])
    identifiers: dict[tuple[str, ...], str] = {}

    def identifier(key: list[str]) -> str:
        parts = tuple(key)
        if parts not in identifiers:
            identifiers[parts] = stable_uuid("observation", stack, *parts)
        return identifiers[parts]

    observations = [
        common.Observation(
            uuid=identifier(key),
            methods=["TEST"],
            origins=[origin],
            collected=end,
            title=title,
            description=description,
            props=[_prop(name, value) for name, value in props],
            **({"types": ["finding"]} if finding else {}),
        )
        for key, title, description, finding, props in plan["observations"]
    ]
    findings = [
        common.Finding(
            uuid=stable_uuid("finding", stack, control_key),
            title=title,
            description=description,
            props=[_prop(name, value) for name, value in props],
            target=common.FindingTarget(
                type="objective-id",
                target_id=target_id,
                title=control_title,
                status=common.ObjectiveStatus(state=state, reason=reason),
            ),
            related_observations=[common.RelatedObservation(observation_uuid=identifier(key)) for key in related]
            or None,
        )
        for control_key, title, description, props, target_id, control_title, state, reason, related in plan["findings"]
    ]
    run = ar.Result(
        uuid=stable_uuid("result", stack, end.isoformat()),
        title=f"Trust Fabric policy gate: stack {stack}",
        description=f"One offline run of stack {stack} through the policy pack {pack_version}.",
        start=start,
        end=end,
        props=[_prop("stack", stack)],
        reviewed_controls=common.ReviewedControls(
            control_selections=[
                common.ControlSelections(
                    include_controls=[common.SelectControlById(control_id=item[4]) for item in plan["findings"]]
                    or None,
                )
            ]
        ),
        observations=observations or None,
        findings=findings or None,
    )
    return ar.AssessmentResults(
        uuid=stable_uuid("assessment-results", stack, end.isoformat()),
        metadata=_metadata(f"Trust Fabric assessment results: stack {stack}", pack_version, end),
        import_ap=ar.ImportAp(href=f"{CATALOG_HREF}#assessment-plan-{stack}"),
        results=[run],
    )


def assessment_results(
    results: Sequence[ControlResult],
    *,
    stack: str,
    pack_version: str,
    start: dt.datetime,
    end: dt.datetime,
) -> ar.AssessmentResults:
    """The stack run as OSCAL assessment results: observations per evaluation, a finding per control."""
    return _assessment_model(assessment_plan(results, stack=stack, pack_version=pack_version), start=start, end=end)


_SENTINEL_START = dt.datetime(1970, 1, 1, 0, 0, 1, tzinfo=dt.UTC)
_SENTINEL_END = dt.datetime(1970, 1, 1, 0, 0, 2, tzinfo=dt.UTC)


def _stamp(when: dt.datetime) -> str:
    """A time as the OSCAL models write it."""
    return str(_metadata("-", "-", when).model_dump(by_alias=True, mode="json")["last-modified"])


def _time_values(stack: str, start: dt.datetime, end: dt.datetime) -> list[str]:
    """The strings of an assessment results document that follow its run's times, in a fixed order."""
    return [
        _stamp(start),
        _stamp(end),
        stable_uuid("result", stack, end.isoformat()),
        stable_uuid("assessment-results", stack, end.isoformat()),
    ]


def write_assessment_results(
    results: Sequence[ControlResult],
    path: Path,
    *,
    stack: str,
    pack_version: str,
    start: dt.datetime,
    end: dt.datetime,
    slot: str,
) -> bool:
    """Write the assessment results to `path` and check them (`read_back`); True when they came from the template
    a build of the same inputs kept (trustfabric.evidence.derived: its times substituted, the check it passed
    then not repeated), False when built (and, with caching on, kept as a template for the next build)."""
    from . import derived

    plan = assessment_plan(results, stack=stack, pack_version=pack_version)
    if not derived.enabled():
        write_oscal(_assessment_model(plan, start=start, end=end), path)
        read_back(path)
        return False
    data = json.dumps(plan, separators=(",", ":")).encode()
    sentinels = _time_values(stack, _SENTINEL_START, _SENTINEL_END)
    replacements = dict(zip(sentinels, _time_values(stack, start, end), strict=True))
    key = derived.document_key("assessment-results", slot=slot, data=data)
    template = derived.load_template(key)
    if template is not None:
        path.write_bytes(derived.substitute(template, replacements))
        return True
    if any(json.dumps(sentinel).encode() in data for sentinel in sentinels):
        write_oscal(_assessment_model(plan, start=start, end=end), path)  # a sentinel in the data: no template
        read_back(path)
        return False
    template = _assessment_model(plan, start=_SENTINEL_START, end=_SENTINEL_END).oscal_serialize_json_bytes(pretty=True)
    path.write_bytes(derived.substitute(template, replacements))
    read_back(path)
    if derived.holds_every(template, sentinels):
        derived.store_template(key, template)
    return False


def _re2_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    """JSON Schema `pattern` evaluated with RE2, which has the `\\p{L}` and `\\p{N}` classes Python's `re` lacks."""
    if validator.is_type(instance, "string") and _compiled(pattern).search(instance) is None:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def _compiled(pattern: str) -> Any:
    return re2.compile(pattern)


@cache
def _schema(model: str) -> Any:
    return json.loads((SCHEMA_DIR / SCHEMA_FILES[model]).read_text(encoding="utf-8"))


@cache
def _validator(model: str) -> Any:
    oscal_validator = validators.extend(Draft7Validator, {"pattern": _re2_pattern})
    return oscal_validator(_schema(model), format_checker=Draft7Validator.FORMAT_CHECKER)


@cache
def _fast_validator(model: str) -> Any:
    """jsonschema-rs: the same verdict in milliseconds (the assessment results take about 15 s in jsonschema)."""
    return jsonschema_rs.Draft7Validator(_schema(model), validate_formats=True)


def schema_errors(document: Mapping[str, Any]) -> list[str]:
    """Why an OSCAL JSON document (wrapped in its model key) is not valid against the OSCAL 1.1.3 JSON schema.

    Empty when it is valid. jsonschema-rs decides validity; jsonschema, slower, words the errors of an invalid
    document (with RE2 for the schema's `\\p{L}` patterns). Each entry is `<JSON pointer>: <message>`, sorted.
    A document whose single top-level key is not a model with a vendored schema is reported as such.
    """
    keys = list(document)
    if len(keys) != 1 or keys[0] not in SCHEMA_FILES:
        return [f"/: expected one top-level key of {', '.join(SCHEMA_FILES)}, got {', '.join(keys) or 'none'}"]
    if _fast_validator(keys[0]).is_valid(dict(document)):
        return []
    errors = _validator(keys[0]).iter_errors(dict(document))
    return sorted(f"/{'/'.join(str(part) for part in error.absolute_path)}: {error.message}" for error in errors)


def write_oscal(model: Any, path: Path) -> None:
    """Write an OSCAL model as JSON (the top-level key wrapped, as OSCAL requires)."""
    model.oscal_write(path)


def read_back(path: Path) -> Any:
    """Check a written OSCAL file against the OSCAL 1.1.3 JSON schema, then parse it through its trestle model.

    Raises TrustFabricError (one line naming the file) when it is not JSON, not a supported model, or not valid.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise TrustFabricError(f"{path}: not readable as JSON: {error}") from None
    if not isinstance(data, dict) or len(data) != 1 or next(iter(data)) not in TRESTLE_MODELS:
        raise TrustFabricError(f"{path}: not an OSCAL component definition or assessment results")
    key = next(iter(data))
    problems = schema_errors(data)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise TrustFabricError(f"{path}: not valid against the OSCAL {OSCAL_VERSION} {key} schema: {problems[0]}{more}")
    try:
        return TRESTLE_MODELS[key].model_validate(data[key])
    except Exception as error:
        message = " ".join(str(error).split())
        raise TrustFabricError(f"{path}: not valid OSCAL {key} (compliance-trestle): {message}") from None


__all__ = [
    "OSCAL_VERSION",
    "SCHEMA_DIR",
    "TRESTLE_OSCAL_VERSION",
    "assessment_plan",
    "assessment_results",
    "component_definition",
    "read_back",
    "schema_errors",
    "stable_uuid",
    "write_assessment_results",
    "write_oscal",
]
