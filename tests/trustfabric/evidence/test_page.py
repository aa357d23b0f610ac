"""The auditor's page in a real headless browser: it loads cleanly and offline, its summary is the JSON's, it
stays short for prod, its links resolve in the checkout; a screenshot lands in reports/ for people to look at."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pytest

from tests.trustfabric.helpers import pack_policies
from trustfabric.browser import ensure_chromium, open_page
from trustfabric.evidence.controls import load_catalog
from trustfabric.evidence.inputs import RunRecord
from trustfabric.evidence.matrix import RESOURCES_SHOWN, evaluate_controls, matrix_document
from trustfabric.evidence.page import render_html
from trustfabric.evidence.status import STATUSES
from trustfabric.gate import run_gate
from trustfabric.paths import REPORTS_DIR

MAX_HEIGHT = 15_000
"""Pixels at the default 1280 px width: the prod page was about 167,000 before it folded its resource lists."""
SCREENSHOT = REPORTS_DIR / "control-matrix-prod.png"


@pytest.fixture(scope="module")
def browser() -> Path:
    executable = ensure_chromium()
    if executable is None:
        pytest.skip("no Chromium and none can be installed here (make browser says how)")
    return executable


@pytest.fixture(scope="module")
def prod_page(
    stack_graph: Any, repo_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, Any]]:
    """prod's control matrix as the package writes it (from the session's prod graph), and its JSON."""
    policies = pack_policies()
    gate = run_gate(repo_root, "prod", policies=policies, graph=stack_graph("prod"))
    results = evaluate_controls(load_catalog(policies=policies), gate, policies)
    out = tmp_path_factory.mktemp("evidence") / "prod"
    out.mkdir()
    page = out / "control-matrix.html"
    page.write_text(
        render_html(
            results,
            stack="prod",
            generated="2026-01-02T03:04:05Z",
            commit="0123456789abcdef",
            source_root=Path(os.path.relpath(repo_root, out)).as_posix(),
            inputs={"present": [], "absent": ["drill reports (reports/drills/*.json)"]},
        ),
        encoding="utf-8",
    )
    return page, matrix_document(results, stack="prod")


def test_the_page_loads_offline_without_errors(browser: Path, prod_page: tuple[Path, dict[str, Any]]) -> None:
    page_path, _ = prod_page
    with open_page(browser) as session:
        requests: list[str] = []
        session.page.on("request", lambda request: requests.append(request.url))
        session.page.goto(page_path.resolve().as_uri())
        assert session.errors == []
        assert requests == [page_path.resolve().as_uri()]
        assert session.page.locator("script").count() == 0
        assert session.page.locator("svg[role=img]").count() == 1
        assert session.page.locator("details.control[open]").count() == 0


def test_the_summary_shown_is_the_json_summary(browser: Path, prod_page: tuple[Path, dict[str, Any]]) -> None:
    page_path, document = prod_page
    with open_page(browser) as session:
        session.page.goto(page_path.resolve().as_uri())
        shown = session.page.eval_on_selector_all(
            "#summary-table tbody tr",
            """rows => Object.fromEntries(rows.map(row => [row.dataset.framework,
                Object.fromEntries([...row.querySelectorAll('td[data-status]')].map(
                    cell => [cell.dataset.status, Number(cell.innerText)]))]))""",
        )
        totals = session.page.eval_on_selector_all(
            ".totals li",
            "items => Object.fromEntries(items.map(i => [i.dataset.status, Number(i.querySelector('.n').innerText)]))",
        )
        chart = session.page.eval_on_selector_all("svg rect title", "titles => titles.map(t => t.textContent)")
    assert shown == document["summary"]["by_framework"]
    assert totals == document["summary"]["total"]
    assert set(totals) == {status.value for status in STATUSES}
    expected_chart = [
        f"{framework}: {count} {next(s.label for s in STATUSES if s.value == status)}"
        for framework, counts in document["summary"]["by_framework"].items()
        for status, count in counts.items()
        if count
    ]
    assert chart == expected_chart


def test_the_prod_page_is_short_and_readable(browser: Path, prod_page: tuple[Path, dict[str, Any]]) -> None:
    page_path, _ = prod_page
    with open_page(browser) as session:
        session.page.goto(page_path.resolve().as_uri())
        height = session.page.evaluate("document.documentElement.scrollHeight")
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        session.page.screenshot(path=str(SCREENSHOT))
    assert height < MAX_HEIGHT
    assert SCREENSHOT.stat().st_size > 10_000


def test_resource_lists_are_capped(browser: Path, prod_page: tuple[Path, dict[str, Any]]) -> None:
    page_path, document = prod_page
    widest = max(document["controls"], key=lambda row: row["resources_evaluated"])
    assert widest["resources_evaluated"] > RESOURCES_SHOWN
    anchor = "".join(ch if ch.isalnum() else "-" for ch in widest["control"].lower())
    with open_page(browser) as session:
        session.page.goto(page_path.resolve().as_uri())
        control = session.page.locator(f"details.control#{anchor}")
        heading = control.locator("details.resources > summary").text_content()
        listed = control.locator("details.resources li").count()
        more = control.locator("details.resources p").text_content()
    assert heading == f"Resources judged ({widest['resources_evaluated']})"
    assert listed == RESOURCES_SHOWN
    assert more == (
        f"and {widest['resources_evaluated'] - RESOURCES_SHOWN} more (every one is in gate.json and "
        "assessment-results.json)"
    )


def test_links_are_relative_and_resolve_in_the_checkout(browser: Path, prod_page: tuple[Path, dict[str, Any]]) -> None:
    page_path, _ = prod_page
    with open_page(browser) as session:
        session.page.goto(page_path.resolve().as_uri())
        hrefs = session.page.eval_on_selector_all(
            "a[href]", "links => links.map(a => [a.getAttribute('href'), a.href])"
        )
    external = [raw for raw, _ in hrefs if urlparse(raw).scheme]
    assert external == []
    targets = {unquote(urlparse(resolved).path) for raw, resolved in hrefs if not raw.startswith("#")}
    assert any(target.endswith("policies/aws/kms/key_rotation_enabled.py") for target in targets)
    assert any(target.endswith("docs/policies.md") for target in targets)
    assert [target for target in sorted(targets) if not Path(target).is_file()] == []


@pytest.fixture(scope="module")
def decision_page(
    stack_graph: Any, repo_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, Any]]:
    """prod's control matrix with a release decision cited by the controls that name `decisions: [release-gate]`."""
    policies = pack_policies()
    gate = run_gate(repo_root, "prod", policies=policies, graph=stack_graph("prod"))
    record = RunRecord("release-gate", "pass", "decision-1.json", "promote extractor@1.0; signed by release-ci")
    results = evaluate_controls(load_catalog(policies=policies), gate, policies, decisions={"release-gate": record})
    out = tmp_path_factory.mktemp("evidence") / "decisions"
    out.mkdir()
    page = out / "control-matrix.html"
    page.write_text(
        render_html(
            results,
            stack="prod",
            generated="2026-01-02T03:04:05Z",
            commit="0123456789abcdef",
            source_root=Path(os.path.relpath(repo_root, out)).as_posix(),
            inputs={"present": ["release/decision-1.json"], "absent": []},
        ),
        encoding="utf-8",
    )
    return page, matrix_document(results, stack="prod")


def test_release_decisions_have_their_own_section_not_the_drills(
    browser: Path, decision_page: tuple[Path, dict[str, Any]]
) -> None:
    page_path, document = decision_page
    row = next(r for r in document["controls"] if r["control"] == "SOC2 CC8.1")
    assert [r["name"] for r in row["decisions"]] == ["release-gate"]
    assert all(r["name"] != "release-gate" for r in row["drills"])
    with open_page(browser) as session:
        session.page.goto(page_path.resolve().as_uri())
        paragraphs = session.page.locator("details.control#soc2-cc8-1 p").all_text_contents()
    assert (
        "Release decisions: release-gate (decision-1.json): pass (promote extractor@1.0; signed by release-ci)"
        in paragraphs
    )
    assert not any(text.startswith("Drills:") and "release-gate" in text for text in paragraphs)
