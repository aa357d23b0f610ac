"""The OSCAL documents against NIST's OSCAL 1.1.3 JSON schemas (vendored) and compliance-trestle's models."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
import re2
from jsonschema import Draft7Validator, ValidationError, validators
from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.component import ComponentDefinition

from tests.trustfabric.evidence.conftest import DevPackage
from trustfabric.errors import TrustFabricError
from trustfabric.evidence.oscal import SCHEMA_DIR, read_back, schema_errors

# SHA-256 of the v1.1.3 release assets (compliance/schemas/README.md), fixed here so a changed file fails.
NIST_RELEASE_HASHES = {
    "oscal_component_schema.json": "9bde069f8f65ec82ea626348cc40ae5d42b0f74c1a2a8b9289a1604bf521a15c",
    "oscal_assessment-results_schema.json": "d9e34757f0c12aff61f52b821f0b8f83ba0ba75b3a149a202b08ba82f82bc4c3",
}
SCHEMA_IDS = {
    "oscal_component_schema.json": "http://csrc.nist.gov/ns/oscal/1.1.3/oscal-component-definition-schema.json",
    "oscal_assessment-results_schema.json": "http://csrc.nist.gov/ns/oscal/1.1.3/oscal-ar-schema.json",
}
DOCUMENTS = {
    "component-definition.json": ("component-definition", "oscal_component_schema.json", ComponentDefinition),
    "assessment-results.json": ("assessment-results", "oscal_assessment-results_schema.json", AssessmentResults),
}


def _independent_errors(document: dict[str, Any], schema_file: str) -> list[str]:
    """Errors from a Draft 7 validator built here, apart from the module under test (RE2 for `pattern`, formats on)."""

    def pattern(validator: Any, regex: str, instance: Any, schema: Any) -> Any:
        if validator.is_type(instance, "string") and re2.search(regex, instance) is None:
            yield ValidationError(f"{instance!r} does not match {regex!r}")

    schema = json.loads((SCHEMA_DIR / schema_file).read_text())
    validator = validators.extend(Draft7Validator, {"pattern": pattern})(
        schema, format_checker=Draft7Validator.FORMAT_CHECKER
    )
    return sorted(
        "/" + "/".join(str(part) for part in error.absolute_path) + f": {error.message}"
        for error in validator.iter_errors(document)
    )


def _load(dev_package: DevPackage, name: str) -> dict[str, Any]:
    return json.loads((dev_package.out / name).read_text())


@pytest.mark.parametrize("name", sorted(NIST_RELEASE_HASHES))
def test_vendored_schemas_are_the_nist_release_assets(name: str) -> None:
    path = SCHEMA_DIR / name
    assert hashlib.sha256(path.read_bytes()).hexdigest() == NIST_RELEASE_HASHES[name]
    assert json.loads(path.read_text())["$id"] == SCHEMA_IDS[name]


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_generated_documents_are_valid_oscal_1_1_3(dev_package: DevPackage, name: str) -> None:
    key, schema_file, model = DOCUMENTS[name]
    document = _load(dev_package, name)
    assert document[key]["metadata"]["oscal-version"] == "1.1.3"
    assert _independent_errors(document, schema_file) == []
    assert schema_errors(document) == []
    assert isinstance(model.oscal_read(dev_package.out / name), model)
    assert isinstance(read_back(dev_package.out / name), model)


def test_the_documents_are_not_empty_shells(dev_package: DevPackage) -> None:
    definition = _load(dev_package, "component-definition.json")["component-definition"]
    requirements = [
        requirement["control-id"]
        for implementation in definition["components"][0]["control-implementations"]
        for requirement in implementation["implemented-requirements"]
    ]
    assert "cis-aws-3.0-3.6" in requirements and "soc2-cc6.1" in requirements
    results = _load(dev_package, "assessment-results.json")["assessment-results"]["results"][0]
    assert results["findings"] and results["observations"]


def test_a_token_with_a_space_is_rejected_and_a_unicode_letter_accepted(dev_package: DevPackage) -> None:
    document = _load(dev_package, "component-definition.json")
    requirement = document["component-definition"]["components"][0]["control-implementations"][0][
        "implemented-requirements"
    ][0]
    requirement["control-id"] = "cis aws 3.6"
    problems = schema_errors(document)
    assert problems == _independent_errors(document, "oscal_component_schema.json")
    assert len(problems) == 1
    assert problems[0].startswith(
        "/component-definition/components/0/control-implementations/0/implemented-requirements/0/control-id: "
        "'cis aws 3.6' does not match"
    )
    requirement["control-id"] = "contrôle-3.6"  # \p{L} is any Unicode letter, not only ASCII
    assert schema_errors(document) == []


def test_missing_required_and_unknown_properties_are_rejected(dev_package: DevPackage) -> None:
    document = _load(dev_package, "assessment-results.json")
    broken = copy.deepcopy(document)
    del broken["assessment-results"]["import-ap"]
    assert schema_errors(broken) == ["/assessment-results: 'import-ap' is a required property"]
    broken = copy.deepcopy(document)
    broken["assessment-results"]["results"][0]["verdict"] = "pass"
    [problem] = schema_errors(broken)
    assert problem.startswith("/assessment-results/results/0: Additional properties are not allowed ('verdict'")


def test_a_date_time_without_timezone_is_rejected(dev_package: DevPackage) -> None:
    document = _load(dev_package, "assessment-results.json")
    document["assessment-results"]["results"][0]["start"] = "2026-01-01T00:00:00"
    pattern, date_time = schema_errors(document)  # the schema's pattern and the date-time format both fail
    assert pattern.startswith("/assessment-results/results/0/start: '2026-01-01T00:00:00' does not match '^(((2000")
    assert date_time == "/assessment-results/results/0/start: '2026-01-01T00:00:00' is not a 'date-time'"


def test_a_document_of_another_model_is_named() -> None:
    assert schema_errors({"catalog": {}}) == [
        "/: expected one top-level key of component-definition, assessment-results, got catalog"
    ]


def test_read_back_names_the_file_and_the_schema_violation(dev_package: DevPackage, tmp_path: Path) -> None:
    document = _load(dev_package, "component-definition.json")
    document["component-definition"]["components"][0]["props"][0]["value"] = " leading space"
    path = tmp_path / "component-definition.json"
    path.write_text(json.dumps(document))
    with pytest.raises(TrustFabricError) as caught:
        read_back(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(
        f"{path}: not valid against the OSCAL 1.1.3 component-definition schema: "
        "/component-definition/components/0/props/0/value: ' leading space' does not match"
    )


def test_read_back_rejects_a_file_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "assessment-results.json"
    path.write_text("{not json")
    with pytest.raises(TrustFabricError, match=r"assessment-results\.json: not readable as JSON"):
        read_back(path)
