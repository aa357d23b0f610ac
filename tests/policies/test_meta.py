"""Standard checks for every registered policy: metadata, naming, registration in the pack, and its tests."""

from __future__ import annotations

import re
from pathlib import Path

import jsonschema
import pytest

from policies.base import ENFORCEMENT, FRAMEWORKS, SEVERITIES
from policies.registry import PROVIDER_PACKAGES, all_policies
from trustfabric.gate import policy_floors

REPO_ROOT = Path(__file__).resolve().parents[2]
TESTS_DIR = Path(__file__).resolve().parent
NAME = re.compile(r"^(aws|kubernetes|vault|stack|github|pagerduty|datadog)-[a-z0-9-]+$")
ABBREVIATIONS = re.compile(r"\b(e\.g|i\.e|etc|vs|approx)\.", re.IGNORECASE)

POLICIES = all_policies()
IDS = [policy.name for policy in POLICIES]


def _one_sentence(text: str) -> bool:
    text = ABBREVIATIONS.sub("", text)
    return (
        bool(text)
        and "\n" not in text
        and text[0].isupper()
        and text.endswith(".")
        and not re.search(r"[.!?]\s+[A-Z]", text[:-1])
    )


def _module_file(module: str) -> Path:
    return REPO_ROOT / Path(*module.split(".")).with_suffix(".py")


@pytest.mark.parametrize("policy", POLICIES, ids=IDS)
def test_metadata_is_complete(policy):
    meta = getattr(policy, "meta", None)
    assert meta is not None, f"{policy.module}: build POLICY with policies.base.resource_policy/stack_policy"
    assert meta.id, "META.id"
    assert meta.name == policy.name
    assert NAME.match(meta.name), f"{meta.name}: vendor-service-resource-property, e.g. aws-kms-key-rotation-enabled"
    assert _one_sentence(meta.description), f"description must be one sentence: {meta.description!r}"
    assert meta.severity in SEVERITIES
    assert meta.enforcement in ENFORCEMENT
    assert meta.topics and all(isinstance(topic, str) and topic for topic in meta.topics)
    assert meta.controls, "at least one control"
    for framework, controls in meta.controls.items():
        assert framework in FRAMEWORKS, f"{framework!r} not in {FRAMEWORKS}"
        assert controls and all(isinstance(c, str) and c.strip() for c in controls), framework
    assert meta.remediation.strip().endswith("."), "remediation is a sentence"
    assert meta.remediation[0].isupper()


@pytest.mark.parametrize("policy", POLICIES, ids=IDS)
def test_sdk_fields_are_filled_from_the_metadata(policy):
    meta = policy.meta
    assert policy.description == meta.description
    assert policy.severity is not None and policy.severity.value == meta.severity
    assert policy.framework is not None and policy.framework.name == next(iter(meta.controls))
    assert policy.remediation_steps == meta.remediation
    assert policy.url == meta.url and policy.url.endswith(f"#{policy.name}")
    assert policy.enforcement_level is not None and policy.enforcement_level.value == meta.enforcement


@pytest.mark.parametrize("policy", POLICIES, ids=IDS)
def test_config_schema_and_floors_are_well_formed(policy):
    meta = policy.meta
    if meta.config_schema is None:
        assert not meta.floors and not meta.config_required, "floors and required need a config_schema"
        return
    schema = {
        "type": "object",
        "properties": dict(meta.config_schema),
        "required": list(meta.config_required),
    }
    jsonschema.Draft7Validator.check_schema(schema)
    assert set(meta.config_required) <= set(meta.config_schema)
    for prop_schema in meta.config_schema.values():
        if isinstance(prop_schema, dict) and "default" in prop_schema:
            jsonschema.validate(prop_schema["default"], prop_schema)
    floors = policy_floors(policy)  # raises ValueError naming the malformed floor
    for prop, floor in floors.items():
        default = meta.config_schema[prop].get("default")
        if default is not None:
            assert not floor.loosened_by(default), f"{prop}: the default {default!r} is below its own floor"


def test_names_and_ids_are_unique():
    names = [policy.name for policy in POLICIES]
    ids = [policy.meta.id for policy in POLICIES]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_every_policy_module_is_registered():
    on_disk = set()
    for package in PROVIDER_PACKAGES:
        directory = REPO_ROOT / Path(*package.split("."))
        for path in directory.rglob("*.py") if directory.is_dir() else ():
            if path.name != "__init__.py" and "__pycache__" not in path.parts:
                on_disk.add(".".join(path.relative_to(REPO_ROOT).with_suffix("").parts))
    registered = {policy.module for policy in POLICIES}
    assert on_disk - registered == set(), "modules the registry misses (a missing __init__.py?)"
    assert registered <= on_disk


def test_the_pack_is_built_from_the_registry():
    # Read, never import: constructing the PolicyPack starts the analyzer's gRPC server.
    source = (REPO_ROOT / "policies" / "__main__.py").read_text(encoding="utf-8")
    assert "all_policies()" in source
    assert "PolicyPack(" in source
    assert source.count("PolicyPack(") == 1


def _test_sources() -> dict[Path, str]:
    return {path: path.read_text(encoding="utf-8") for path in sorted(TESTS_DIR.rglob("test_*.py"))}


@pytest.mark.parametrize("policy", POLICIES, ids=IDS)
def test_every_policy_has_tests_with_a_passing_and_a_violation_case(policy):
    assert _module_file(policy.module).is_file()
    importer = re.compile(rf"(from\s+{re.escape(policy.module)}\s+import|import\s+{re.escape(policy.module)}\b)")
    files = [path for path, text in _test_sources().items() if importer.search(text)]
    assert files, f"no test in tests/policies imports {policy.module}"
    texts = [_test_sources()[path] for path in files]
    assert any("== []" in text for text in texts), f"{files}: no passing case (evaluate(...) == [])"
    violation_calls = [
        line for text in texts for line in text.splitlines() if "evaluate(" in line and "== []" not in line
    ]
    assert violation_calls, f"{files}: no violation case (an evaluate(...) call not asserted == [])"


def test_an_async_validator_wrapped_by_resource_policy_is_awaited_and_reports():
    import asyncio

    from policies.base import PolicyMeta, resource_policy
    from tests.policies.harness import evaluate, resource

    async def validate(args, report_violation):
        await asyncio.sleep(0)
        report_violation(f"async saw {args.name}")

    meta = PolicyMeta(
        id="TF-TEST-ASYNC",
        name="test-async-wrapped",
        description="Exercises an async validator.",
        severity="low",
        topics=("test",),
        controls={"SOC2": ("CC6.1",)},
        remediation="None.",
    )
    policy = resource_policy(meta, validate, resource_types=["aws:s3/bucket:Bucket"])
    found = evaluate(policy, resource("aws:s3/bucket:Bucket", {}))
    assert [d.message.splitlines()[-1] for d in found] == ["async saw subject"]
    assert evaluate(policy, resource("aws:sqs/queue:Queue", {})) == []  # other types are skipped
