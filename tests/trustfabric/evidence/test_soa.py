"""The Statement of Applicability: every Annex A control, rendered as Markdown, HTML (in a browser) and OSCAL."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from tests.trustfabric.helpers import invoke, pack_policies
from trustfabric.evidence.controls import load_catalog
from trustfabric.evidence.oscal import schema_errors
from trustfabric.evidence.references import load_reference
from trustfabric.evidence.soa import soa_rows, write_soa

WHEN = dt.datetime(2026, 1, 31, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def soa_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("soa")
    write_soa(out, load_catalog(policies=pack_policies()), when=WHEN)
    return out


def test_every_annex_a_control_has_a_row_in_order(repo_root: Path) -> None:
    rows = soa_rows(load_catalog(policies=pack_policies()))
    reference = load_reference(repo_root / "compliance" / "iso27001-2022-annex-a.yaml")
    assert [row.control_id for row in rows] == list(reference)
    assert [row.title for row in rows] == list(reference.values())
    outsourced = next(row for row in rows if row.control_id == "A.8.30")
    assert (outsourced.applicable, outsourced.implementation, outsourced.evidence) == (False, "not applicable", ())
    assert outsourced.reason.startswith("No development is outsourced")
    crypto = next(row for row in rows if row.control_id == "A.8.24")
    assert crypto.applicable and crypto.implementation == "automated"
    assert "policy aws-kms-key-rotation-enabled" in crypto.evidence
    screening = next(row for row in rows if row.control_id == "A.6.1")
    assert screening.implementation == "manual" and "Head of People operates the procedure (per-event)" in screening.how


def test_markdown_lists_every_control_with_its_applicability(soa_dir: Path) -> None:
    text = (soa_dir / "soa.md").read_text()
    assert text.startswith("# Statement of Applicability: ISO/IEC 27001:2022 Annex A\n")
    assert "Generated 2026-01-31T09:00:00Z" in text
    table = [line for line in text.splitlines() if re.match(r"^\| \[A\.\d", line)]
    assert len(table) == 93
    assert "| [A.8.30](#a-8-30) | Outsourced development | no | No development is outsourced" in text


def test_oscal_soa_validates_against_the_vendored_schema(soa_dir: Path) -> None:
    document = json.loads((soa_dir / "soa-component-definition.json").read_text())
    assert schema_errors(document) == []
    requirements = document["component-definition"]["components"][0]["control-implementations"][0][
        "implemented-requirements"
    ]
    assert len(requirements) == 93
    props = {p["name"]: p["value"] for p in requirements[-1]["props"] if p["name"] != "evidence"}
    assert props == {"original-control-id": "A.8.34", "applicability": "applicable", "implementation": "manual"}


def test_html_renders_in_the_browser_with_every_row(soa_dir: Path) -> None:
    from trustfabric.browser import ensure_chromium, open_page

    executable = ensure_chromium()
    assert executable is not None, "no headless Chromium and none could be installed"
    with open_page(executable) as session:
        session.page.goto((soa_dir / "soa.html").resolve().as_uri())
        rows = session.page.locator("#soa tbody tr").count()
        not_applicable = session.page.locator("#soa tbody tr.not-applicable").count()
        heading = session.page.locator("h1").inner_text()
        assert session.errors == []
    assert (rows, not_applicable) == (93, 1)
    assert heading == "Statement of Applicability: ISO/IEC 27001:2022 Annex A"


def test_html_escapes_catalog_text(soa_dir: Path) -> None:
    html = (soa_dir / "soa.html").read_text()
    assert "<script" not in html and html.count("<tr class=") == 93


def test_cli_writes_the_soa_and_prints_coverage(tmp_path: Path) -> None:
    result = invoke("controls", "--soa", "--out", tmp_path / "soa")
    assert result.exit_code == 0, result.stdout
    assert sorted(path.name for path in (tmp_path / "soa").iterdir()) == [
        "soa-component-definition.json",
        "soa.html",
        "soa.md",
    ]
    assert result.stdout.splitlines()[0].split() == [
        "framework",
        "controls",
        "automated",
        "manual",
        "not",
        "applicable",
        "evidence",
        "missing",
    ]
    missing_out = invoke("controls", "--soa")
    assert (missing_out.exit_code, missing_out.stderr) == (2, "error: controls: --soa needs --out DIR\n")
