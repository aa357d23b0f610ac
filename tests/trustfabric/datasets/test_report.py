"""The HTML report, checked in a real headless Chromium: loads cleanly, shows the record's numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from trustfabric.browser import ensure_chromium, open_page
from trustfabric.datasets.thresholds import percent

from .support import perfect_outputs, run_cli, write_dataset, write_results

REPO_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, dict]:
    """Two evaluations of one dataset, the second with a regression in the UK; the report of the second."""
    root = tmp_path_factory.mktemp("report")
    store, history = root / "store", root / "history"
    from trustfabric.datasets.evaluate import evaluate
    from trustfabric.datasets.ingest import ingest
    from trustfabric.datasets.report import write_report
    from trustfabric.datasets.store import open_store
    from trustfabric.datasets.thresholds import load_thresholds

    ingest(write_dataset(root / "golden"), open_store(str(store), for_writing=True))
    opened = open_store(str(store))
    first = write_results(root / "first.jsonl", perfect_outputs())
    evaluate(
        opened,
        "golden-accounting@2026.1",
        first,
        candidate="extractor@1.0",
        thresholds=load_thresholds(None),
        history=history,
        out=root / "first.json",
    )
    outputs = perfect_outputs()
    outputs["uk-inv-2"] = {"invoice_number": "INV-2", "total": 98.0, "currency": "GBP"}
    second = write_results(root / "second.jsonl", outputs)
    outcome = evaluate(
        opened,
        "golden-accounting@2026.1",
        second,
        candidate="extractor@1.1",
        thresholds=load_thresholds(None),
        history=history,
        out=root / "second.json",
    )
    return write_report(root / "second.json", history, root / "report.html"), outcome.record


def test_report_is_self_contained_and_deterministic(report, capsys, tmp_path):
    path, _record = report
    html = path.read_text()
    assert "<script" not in html
    for reference in ('src="http', "href='http", 'href="http', "url(http", "@import"):
        assert reference not in html  # nothing is fetched: SVG namespaces aside, no outside address
    assert "default-src 'none'" in html
    again = tmp_path / "again.html"
    code, out, err = run_cli(
        capsys,
        "datasets",
        "report",
        "--evaluation",
        path.with_name("second.json"),
        "--history",
        path.with_name("history"),
        "--out",
        again,
    )
    assert (code, out) == (0, f"wrote {again}\n"), err
    assert again.read_text() == html
    code, _, err = run_cli(capsys, "datasets", "report", "--evaluation", tmp_path / "none.json", "--out", again)
    assert (code, err) == (
        2,
        f"error: --evaluation: {tmp_path / 'none.json'}: cannot read: No such file or directory\n",
    )


def test_report_in_a_headless_browser(report):
    executable = ensure_chromium()
    if executable is None:
        pytest.skip("no Chromium: none installed and apt-get cannot install Debian's chromium here")
    path, record = report
    screenshot = REPO_ROOT / "reports" / "datasets" / "report.png"
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    with open_page(executable) as session:
        page = session.page
        page.goto(path.resolve().as_uri())
        page.wait_for_load_state("load")
        assert page.title() == "Evaluation of extractor@1.1 on golden-accounting@2026.1"
        assert page.get_by_test_id("verdict").inner_text() == "FAIL"
        overall = page.get_by_test_id("overall-accuracy")
        assert overall.inner_text() == percent(record["totals"]["accuracy"]) == "83.33%"
        assert float(overall.get_attribute("data-value")) == record["totals"]["accuracy"]
        for key in ("passed", "failed", "missing", "samples"):
            assert int(page.get_by_test_id(key).get_attribute("data-value")) == record["totals"][key]
        rows = page.locator("[data-testid=slices] tbody tr")
        assert rows.count() == len(record["slices"])
        for row in record["slices"]:
            shown = page.locator(f"tr[data-slice='{row['dimension']}={row['value']}']")
            assert shown.locator("td.accuracy").inner_text() == percent(row["accuracy"])
            assert float(shown.locator("td.accuracy").get_attribute("data-value")) == row["accuracy"]
            assert shown.locator("td.threshold").inner_text() == percent(row["threshold"])
            assert ("regressed" in (shown.get_attribute("class") or "")) is row["regressed"]
        uk = page.locator("tr[data-slice='jurisdiction=UK']")
        assert uk.locator("td.change").inner_text() == "-50.00"
        assert uk.evaluate("row => getComputedStyle(row.querySelector('td')).backgroundColor") == "rgb(255, 243, 224)"
        assert (
            page.get_by_test_id("regressions").inner_text().startswith("4 slices regressed beyond tolerance; 1 samples")
        )
        assert page.locator("[data-testid=drift] tbody tr").count() == 2
        assert page.locator("[data-testid=slice-chart] svg").count() == 1
        assert page.locator("[data-testid=drift-chart] svg").count() == 1
        page.screenshot(path=str(screenshot), full_page=True)
        assert session.errors == []
    assert screenshot.stat().st_size > 10_000
