"""The policy catalog: docs/policies.md matches the policies, one section and anchor per policy."""

from __future__ import annotations

from tests.trustfabric.helpers import pack_policies
from trustfabric.paths import REPO_ROOT
from trustfabric.report.catalog import DOCS_PATH, REGENERATE, catalog, render_markdown


def test_policy_catalog_doc_is_current():
    assert DOCS_PATH == REPO_ROOT / "docs" / "policies.md"
    assert DOCS_PATH.read_text(encoding="utf-8") == render_markdown(catalog(pack_policies())), (
        f"stale: run {REGENERATE}"
    )


def test_catalog_has_a_section_and_anchor_per_policy():
    entries = catalog(pack_policies())
    markdown = render_markdown(entries)
    assert entries and [entry["name"] for entry in entries] == sorted(entry["name"] for entry in entries)
    for entry in entries:
        assert f'<a id="{entry["name"]}"></a>' in markdown
        assert f"\n## {entry['name']}\n" in markdown
        assert f"| [{entry['name']}](#{entry['name']}) | {entry['id']} |" in markdown
        assert entry["url"].endswith(f"docs/policies.md#{entry['name']}")
        assert entry["module"].startswith("policies.")
        assert set(entry) >= {
            "id",
            "name",
            "description",
            "severity",
            "topics",
            "enforcement",
            "controls",
            "remediation",
            "resource_types",
            "config_schema",
            "floors",
            "module",
        }


def test_catalog_check_mode_detects_a_stale_file(tmp_path):
    from trustfabric.cli.catalog import main

    stale = tmp_path / "policies.md"
    stale.write_text("# old\n")
    assert main(["--check", "--output", str(stale)]) == 1
    assert main(["--output", str(stale)]) == 0
    assert main(["--check", "--output", str(stale)]) == 0
