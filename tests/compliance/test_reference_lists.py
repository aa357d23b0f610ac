"""The vendored reference lists are whole and unedited, and the catalog claims each framework in full."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.trustfabric.helpers import pack_policies
from trustfabric.evidence.controls import load_catalog
from trustfabric.evidence.references import content_hash, load_reference, reference_problems

LISTS = {
    "SOC2": ("compliance/soc2-tsc-2017-rev2022.yaml", "criteria"),
    "ISO27001:2022": ("compliance/iso27001-2022-annex-a.yaml", "controls"),
    "GDPR": ("compliance/gdpr-articles.yaml", "articles"),
    "CIS-AWS-3.0": ("compliance/cis-aws-foundations-3.0.0.yaml", "recommendations"),
}


def _ids(prefix: str, groups: dict[str, int]) -> list[str]:
    return [f"{prefix}{group}.{number}" for group, count in groups.items() for number in range(1, count + 1)]


SOC2_IDS = [
    *_ids("CC", {"1": 5, "2": 3, "3": 4, "4": 2, "5": 3, "6": 8, "7": 5, "8": 1, "9": 2}),
    *_ids("A", {"1": 3}),
    *_ids("C", {"1": 2}),
    *_ids("PI", {"1": 5}),
    *_ids("P", {"1": 1, "2": 1, "3": 2, "4": 3, "5": 2, "6": 7, "7": 1, "8": 1}),
]
ISO_IDS = _ids("A.", {"5": 37, "6": 8, "7": 14, "8": 34})
GDPR_IDS = [f"Art.{number}" for number in (5, 6, *range(15, 23), 25, 28, 30, *range(32, 37), *range(44, 50))]


@pytest.mark.parametrize(
    ("framework", "expected"), [("SOC2", SOC2_IDS), ("ISO27001:2022", ISO_IDS), ("GDPR", GDPR_IDS)]
)
def test_each_list_holds_exactly_the_ids_in_scope(repo_root: Path, framework: str, expected: list[str]) -> None:
    path, _ = LISTS[framework]
    assert list(load_reference(repo_root / path)) == expected
    assert all(title.strip() for title in load_reference(repo_root / path).values())


def test_the_lists_are_counted_as_published(repo_root: Path) -> None:
    assert len(SOC2_IDS) == 61 and len(ISO_IDS) == 93 and len(GDPR_IDS) == 24
    assert load_reference(repo_root / LISTS["ISO27001:2022"][0])["A.8.28"] == "Secure coding"
    assert load_reference(repo_root / LISTS["GDPR"][0])["Art.28"] == "Processor"


@pytest.mark.parametrize("framework", ["SOC2", "ISO27001:2022", "GDPR"])
def test_each_list_records_its_source_and_content_hash(repo_root: Path, framework: str) -> None:
    path, key = LISTS[framework]
    text = (repo_root / path).read_text()
    data = yaml.safe_load(text)
    assert data["content_sha256"] == content_hash(data[key]), f"{path} changed: update its content_sha256 on purpose"
    assert re.search(r"# Source .*github\.com/", text, re.S), path
    assert re.search(r"commit\s+(#\s*)?[0-9a-f]{40}", text), path
    assert re.search(r"SHA-256\s+(#\s*)?[0-9a-f]{64}", text), path


def test_the_catalog_claims_every_listed_id_and_no_other(repo_root: Path) -> None:
    catalog = load_catalog(policies=pack_policies())
    assert reference_problems(catalog) == []
    by_framework = catalog.by_framework()
    for framework, (path, _) in LISTS.items():
        assert catalog.frameworks[framework]["reference"] == path
        claimed = {control.id for control in by_framework[framework]}
        reference = set(load_reference(repo_root / path))
        assert reference <= claimed, framework
        extra = {ident for ident in claimed - reference if ident.split("(", 1)[0] not in reference}
        assert extra == set(), framework


def test_a_missing_and_an_invented_id_are_named(tmp_path: Path) -> None:
    raw = yaml.safe_load((Path(__file__).parents[2] / "compliance" / "controls.yaml").read_text())
    del raw["controls"]["ISO27001:2022"]["A.8.28"]
    raw["controls"]["GDPR"]["Art.99"] = dict(raw["controls"]["GDPR"]["Art.6"])
    raw["controls"]["GDPR"]["Art.32(1)(b)"] = dict(raw["controls"]["GDPR"]["Art.6"])
    path = tmp_path / "controls.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    catalog = load_catalog(path, policies=pack_policies())
    assert reference_problems(catalog) == [
        "ISO27001:2022 A.8.28: in compliance/iso27001-2022-annex-a.yaml but not in the catalog",
        "GDPR Art.99: not in compliance/gdpr-articles.yaml",
    ]
