"""Reporters: SARIF 2.1.0 structure (against the vendored schema and the spec's required and allowed properties),
text, JSON."""

from __future__ import annotations

import json
import re

from tests.trustfabric.helpers import KMS_POLICY, LIVE_UNTIL, SEEDED_PROGRAM, kms_policy, pack_policies
from trustfabric.findings import Finding, ResourceRef
from trustfabric.report import render_json, render_sarif, render_text
from trustfabric.report.catalog import catalog, catalog_records
from trustfabric.report.sarif import sarif_validator

from .sources import without_source_lines

# Properties SARIF 2.1.0 allows on the objects we emit (its schema sets additionalProperties: false).
ALLOWED = {
    "sarifLog": {"$schema", "version", "runs", "inlineExternalProperties", "properties"},
    "run": {
        "tool",
        "invocations",
        "conversion",
        "language",
        "versionControlProvenance",
        "originalUriBaseIds",
        "artifacts",
        "logicalLocations",
        "graphs",
        "results",
        "automationDetails",
        "runAggregates",
        "baselineGuid",
        "redactionTokens",
        "defaultEncoding",
        "defaultSourceLanguage",
        "newlineSequences",
        "columnKind",
        "externalPropertyFileReferences",
        "threadFlowLocations",
        "taxonomies",
        "addresses",
        "translations",
        "policies",
        "webRequests",
        "webResponses",
        "specialLocations",
        "properties",
    },
    "tool": {"driver", "extensions", "properties"},
    "toolComponent": {
        "guid",
        "name",
        "organization",
        "product",
        "productSuite",
        "shortDescription",
        "fullDescription",
        "fullName",
        "version",
        "semanticVersion",
        "dottedQuadFileVersion",
        "releaseDateUtc",
        "downloadUri",
        "informationUri",
        "globalMessageStrings",
        "notifications",
        "rules",
        "taxa",
        "locations",
        "language",
        "contents",
        "isComprehensive",
        "localizedDataSemanticVersion",
        "minimumRequiredLocalizedDataSemanticVersion",
        "associatedComponent",
        "translationMetadata",
        "supportedTaxonomies",
        "properties",
    },
    "reportingDescriptor": {
        "id",
        "deprecatedIds",
        "guid",
        "deprecatedGuids",
        "name",
        "deprecatedNames",
        "shortDescription",
        "fullDescription",
        "messageStrings",
        "defaultConfiguration",
        "helpUri",
        "help",
        "relationships",
        "properties",
    },
    "reportingConfiguration": {"enabled", "level", "rank", "parameters", "properties"},
    "multiformatMessageString": {"text", "markdown", "properties"},
    "message": {"text", "markdown", "id", "arguments", "properties"},
    "result": {
        "ruleId",
        "ruleIndex",
        "rule",
        "kind",
        "level",
        "message",
        "analysisTarget",
        "locations",
        "guid",
        "correlationGuid",
        "occurrenceCount",
        "partialFingerprints",
        "fingerprints",
        "stacks",
        "codeFlows",
        "graphs",
        "graphTraversals",
        "relatedLocations",
        "suppressions",
        "baselineState",
        "rank",
        "attachments",
        "hostedViewerUri",
        "workItemUris",
        "provenance",
        "fixes",
        "taxa",
        "webRequest",
        "webResponse",
        "properties",
    },
    "location": {
        "id",
        "physicalLocation",
        "logicalLocations",
        "message",
        "annotations",
        "relationships",
        "properties",
    },
    "physicalLocation": {"address", "artifactLocation", "region", "contextRegion", "properties"},
    "artifactLocation": {"uri", "uriBaseId", "index", "description", "properties"},
    "logicalLocation": {
        "name",
        "index",
        "fullyQualifiedName",
        "decoratedName",
        "parentIndex",
        "kind",
        "properties",
    },
    "suppression": {"guid", "kind", "status", "justification", "location", "properties"},
    "runAutomationDetails": {"description", "id", "guid", "correlationGuid", "properties"},
}
LEVELS = {"none", "note", "warning", "error"}
URI = re.compile(r"^[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]+$")


def _object(value, kind, required=()):
    assert isinstance(value, dict), kind
    assert set(value) <= ALLOWED[kind], (kind, set(value) - ALLOWED[kind])
    for key in required:
        assert key in value, (kind, key)


def _text(value):
    _object(value, "multiformatMessageString", ["text"])
    assert isinstance(value["text"], str) and value["text"]


def assert_valid_sarif(log):
    """The vendored SARIF 2.1.0 schema, and the spec's required properties, enums and allowed properties for what
    a run of ours contains."""
    assert [error.message for error in sarif_validator().iter_errors(log)] == []
    _object(log, "sarifLog", ["version", "runs"])
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-schema-2.1.0.json")
    assert isinstance(log["runs"], list) and log["runs"]
    for run in log["runs"]:
        _object(run, "run", ["tool"])
        _object(run["tool"], "tool", ["driver"])
        driver = run["tool"]["driver"]
        _object(driver, "toolComponent", ["name"])
        assert run.get("columnKind", "unicodeCodePoints") in {"utf16CodeUnits", "unicodeCodePoints"}
        if "automationDetails" in run:
            _object(run["automationDetails"], "runAutomationDetails")
        rules = driver.get("rules", [])
        assert len({rule["id"] for rule in rules}) == len(rules), "rule ids are unique"
        for rule in rules:
            _object(rule, "reportingDescriptor", ["id"])
            _text(rule["shortDescription"])
            _text(rule["fullDescription"])
            if "help" in rule:
                _text(rule["help"])
            if "helpUri" in rule:
                assert rule["helpUri"].startswith("https://") and URI.match(rule["helpUri"])
            _object(rule["defaultConfiguration"], "reportingConfiguration")
            assert rule["defaultConfiguration"]["level"] in LEVELS
            tags = rule["properties"]["tags"]
            assert len(set(tags)) == len(tags) and all(isinstance(tag, str) for tag in tags)
        for result in run.get("results", []):
            _object(result, "result", ["message"])
            _object(result["message"], "message")
            assert result["message"].get("text") or result["message"].get("id")
            assert result["level"] in LEVELS
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
            for location in result["locations"]:
                _object(location, "location")
                physical = location["physicalLocation"]
                _object(physical, "physicalLocation")
                assert "artifactLocation" in physical or "address" in physical
                _object(physical["artifactLocation"], "artifactLocation")
                assert URI.match(physical["artifactLocation"]["uri"])
                for logical in location.get("logicalLocations", []):
                    _object(logical, "logicalLocation")
            for suppression in result.get("suppressions", []):
                _object(suppression, "suppression", ["kind"])
                assert suppression["kind"] in {"inSource", "external"}
                assert suppression.get("status", "accepted") in {"accepted", "underReview", "rejected"}
            for value in result.get("partialFingerprints", {}).values():
                assert isinstance(value, str)


COMPONENT_PROGRAM = """
import pulumi
import pulumi_aws as aws

from lib import Vault

Vault("vault")
aws.kms.Key("ledger-key")  # outside any component: located at the stack file
"""

COMPONENT_LIB = """
import pulumi
import pulumi_aws as aws


class Vault(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("foreign:security:Vault", name, None, opts)
        aws.kms.Key(f"{name}-key", opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({})
"""


def test_sarif_report_is_valid_and_complete(program, isolated_config, exemptions_file, cli, monkeypatch):
    without_source_lines(monkeypatch)  # a graph recorded without source lines: component file, else stack file
    directory = program(COMPONENT_PROGRAM)
    (directory / "lib.py").write_text(COMPONENT_LIB)
    live = {
        "policy": KMS_POLICY,
        "resource": "vault-key",
        "reason": "Migrating in TF-9.",
        "approver": "ciso",
        "expires": LIVE_UNTIL,
    }
    result = cli(
        "--stack",
        "test",
        "--program",
        directory,
        "--policy-config",
        isolated_config(),
        "--exemptions",
        exemptions_file([live]),
        "--format",
        "sarif",
    )
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    assert_valid_sarif(log)
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "trust-fabric"
    assert {rule["id"] for rule in driver["rules"]} == {entry["name"] for entry in catalog(pack_policies())}
    [rule] = [rule for rule in driver["rules"] if rule["id"] == KMS_POLICY]
    assert rule["shortDescription"]["text"] == kms_policy().meta.description
    assert rule["helpUri"] == kms_policy().meta.url
    assert rule["defaultConfiguration"]["level"] == "error"
    assert {"SOC2 CC6.1", "ISO27001:2022 A.8.24", "encryption"} <= set(rule["properties"]["tags"])
    counted, exempted = log["runs"][0]["results"]
    assert counted["ruleId"] == KMS_POLICY and counted["level"] == "error"
    assert counted["message"]["text"].startswith("KMS key 'ledger-key' does not rotate its key material")
    [location] = counted["locations"]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "Pulumi.test.yaml"
    assert location["logicalLocations"][0]["fullyQualifiedName"].endswith("aws:kms/key:Key::ledger-key")
    assert exempted["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "lib.py"
    assert exempted["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": f"Migrating in TF-9. (approved by ciso, expires {LIVE_UNTIL})",
        }
    ]


def test_sarif_has_rules_for_checkers_outside_the_catalog():
    finding = Finding(
        "CKV_AWS_7", "advisory", "medium", "rotation off", ResourceRef("urn:x", "t", "n"), source="checkov"
    )
    log = json.loads(render_sarif([finding], catalog_records(pack_policies()), stack="prod"))
    assert_valid_sarif(log)
    [result] = log["runs"][0]["results"]
    assert (result["ruleId"], result["level"]) == ("CKV_AWS_7", "warning")
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "Pulumi.prod.yaml"


def _finding(policy, severity, enforcement="mandatory", name="r"):
    return Finding(
        policy,
        enforcement,
        severity,
        f"{policy} [is] off",
        ResourceRef(f"urn:{name}", "aws:t", name),
        controls=("SOC2 CC6.1",),
        remediation="Turn it on.",
    )


def test_text_groups_by_severity_most_severe_first():
    findings = [
        _finding("p-low", "low", "advisory", "a"),
        _finding("p-crit", "critical", name="b"),
        _finding("p-high", "high", name="b"),
    ]
    text = render_text(findings)
    headings = [line for line in text.splitlines() if line and not line.startswith(" ")]
    assert headings == [
        "CRITICAL (1)",
        "HIGH (1)",
        "LOW (1)",
        "2 mandatory, 1 advisory violations in 2 resources",
    ]
    assert "  ! [advisory] p-low: aws:t a" in text.splitlines()


def test_text_markup_only_when_asked_and_escapes_content():
    plain = render_text([_finding("p", "high")])
    assert "[bold" not in plain and "p [is] off" in plain
    marked = render_text([_finding("p", "high")], markup=True)
    assert "[red]HIGH (1)[/red]" in marked
    assert "p \\[is] off" in marked  # rich would otherwise read [is] as a style


def test_json_keeps_the_contract_keys_first_and_sorts_findings():
    findings = [_finding("p-low", "low", "advisory"), _finding("p-crit", "critical")]
    document = json.loads(render_json("prod", 7, findings, []))
    assert list(document) == ["stack", "resources", "violations", "exempted", "summary"]
    assert [v["policy"] for v in document["violations"]] == ["p-crit", "p-low"]
    assert document["summary"] == {"mandatory": 1, "advisory": 1, "resources": 1, "exempted": 0}


def test_seeded_text_goes_to_stdout_only(run_check):
    result = run_check(SEEDED_PROGRAM, "--format", "sarif")
    assert result.stderr == ""
    assert_valid_sarif(json.loads(result.stdout))
