"""`trustfabric controls --coverage`: the figures per framework, in text and JSON."""

from __future__ import annotations

import json

from tests.trustfabric.helpers import invoke

# Counted by hand from compliance/controls.yaml: change them only with the catalog, on purpose.
EXPECTED = {
    "SOC2": (61, 37, 21, 3),
    "ISO27001:2022": (93, 43, 49, 1),
    "GDPR": (28, 12, 15, 1),
    "CIS-AWS-3.0": (62, 31, 29, 2),
    "CIS-K8S": (10, 6, 4, 0),
    "NIST-800-53": (16, 14, 2, 0),
}


def test_coverage_prints_the_figures_per_framework() -> None:
    result = invoke("controls", "--coverage")
    assert result.exit_code == 0, result.stdout
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "framework",
        "controls",
        "automated",
        "manual",
        "not",
        "applicable",
        "evidence",
        "missing",
    ]
    rows = {line.split()[0]: line.split() for line in lines[1:-1]}
    for framework, (controls, automated, manual, not_applicable) in EXPECTED.items():
        share = f"({100 * automated / controls:.1f}%)"
        assert rows[framework] == [
            framework,
            str(controls),
            str(automated),
            share,
            str(manual),
            str(not_applicable),
            "0",
        ]
    assert rows["SOC2"][3] == "(60.7%)"
    assert lines[-1] == "0 problems"


def test_coverage_json_has_the_same_figures() -> None:
    result = invoke("controls", "--coverage", "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert set(document) == {"catalog", "frameworks", "summary", "problems", "ok"}
    got = {
        row["framework"]: (row["controls"], row["automated"], row["manual"], row["not_applicable"])
        for row in document["frameworks"]
    }
    assert got == EXPECTED
    assert all(row["evidence_missing"] == 0 for row in document["frameworks"])
    soc2 = next(row for row in document["frameworks"] if row["framework"] == "SOC2")
    assert (soc2["automated_percent"], soc2["reference"]) == (60.7, "compliance/soc2-tsc-2017-rev2022.yaml")
    assert document["summary"] == {
        "controls": 270,
        "automated": 143,
        "manual": 120,
        "not_applicable": 7,
        "evidence_missing": 0,
        "with_policies": document["summary"]["with_policies"],
    }
    assert document["ok"] is True and document["problems"] == []


def test_out_without_soa_is_exit_2() -> None:
    result = invoke("controls", "--out", "somewhere")
    assert (result.exit_code, result.stderr) == (2, "error: controls: --out is for --soa\n")


def test_at_least_60_percent_of_soc2_is_evidenced_automatically() -> None:
    """The mission's target, on the whole SOC 2 scope (not-applicable criteria counted as not automated)."""
    result = invoke("controls", "--coverage", "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    soc2 = next(row for row in document["frameworks"] if row["framework"] == "SOC2")
    assert soc2["automated"] / soc2["controls"] >= 0.6
