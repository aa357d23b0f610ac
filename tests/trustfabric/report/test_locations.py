"""Where findings point: the declaring line, the component call site, the fallbacks, never a missing file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.trustfabric.helpers import STACK
from trustfabric.audit import BASELINE_STACK_FILE, CHECKS, audit_locator
from trustfabric.diff import diff_graphs
from trustfabric.findings import Finding, ResourceRef, stack_ref
from trustfabric.golden import render
from trustfabric.graph import Resource, ResourceGraph, SourceLocation
from trustfabric.paths import REPO_ROOT
from trustfabric.report.locations import Location, graph_locator, stack_file_locator

PROJECT = "foreign"
COMPONENT_URN = "urn:pulumi:test::foreign::test:security:Vault::vault"
KEY_URN = "urn:pulumi:test::foreign::test:security:Vault$aws:kms/key:Key::vault-key"
DIRECT_URN = "urn:pulumi:test::foreign::aws:kms/key:Key::ledger-key"


def _files(root: Path) -> Path:
    (root / "Pulumi.yaml").write_text("name: foreign\nruntime: python\n")
    (root / "Pulumi.test.yaml").write_text("config: {}\n")
    (root / "__main__.py").write_text("from lib import Vault\n\nVault('vault')\n")
    (root / "lib.py").write_text("class Vault:\n    TOKEN = 'test:security:Vault'\n")
    return root


def _graph(root: Path, **locations: SourceLocation | None) -> ResourceGraph:
    graph = ResourceGraph(project=PROJECT, stack=STACK, program_dir=str(root))
    component = Resource(COMPONENT_URN, "test:security:Vault", "vault", False, source=locations.get("component_source"))
    key = Resource(
        KEY_URN,
        "aws:kms/key:Key",
        "vault-key",
        True,
        parent=COMPONENT_URN,
        source=locations.get("key_source"),
        call_site=locations.get("key_call_site"),
    )
    direct = Resource(DIRECT_URN, "aws:kms/key:Key", "ledger-key", True, source=locations.get("direct_source"))
    graph.resources = {r.urn: r for r in (component, key, direct)}
    return graph


def _at(graph: ResourceGraph, urn: str) -> Location:
    return graph_locator(graph).locate(Finding("p", "mandatory", "high", "m", ResourceRef(urn, "t", "n")))


def test_a_resource_points_at_its_declaring_line_and_its_component_call_site(tmp_path: Path) -> None:
    graph = _graph(
        _files(tmp_path),
        key_source=SourceLocation("lib.py", 2),
        key_call_site=SourceLocation("__main__.py", 3),
        direct_source=SourceLocation("__main__.py", 1),
        component_source=SourceLocation("__main__.py", 3),
    )
    assert _at(graph, KEY_URN) == Location("lib.py", 2, SourceLocation("__main__.py", 3))
    assert str(_at(graph, KEY_URN)) == "lib.py:2 (via __main__.py:3)"
    assert _at(graph, DIRECT_URN) == Location("__main__.py", 1)
    assert str(_at(graph, DIRECT_URN)) == "__main__.py:1"
    assert _at(graph, COMPONENT_URN) == Location("__main__.py", 3)


def test_a_call_site_on_the_declaring_line_is_not_repeated(tmp_path: Path) -> None:
    graph = _graph(_files(tmp_path), key_source=SourceLocation("lib.py", 2), key_call_site=SourceLocation("lib.py", 2))
    assert _at(graph, KEY_URN) == Location("lib.py", 2)


def test_without_recorded_lines_a_resource_points_at_its_component_file_else_the_stack_file(tmp_path: Path) -> None:
    graph = _graph(_files(tmp_path))
    assert _at(graph, KEY_URN) == Location("lib.py")
    assert str(_at(graph, KEY_URN)) == "lib.py"
    assert _at(graph, DIRECT_URN) == Location("Pulumi.test.yaml")


@pytest.mark.parametrize(
    "recorded",
    [
        SourceLocation("gone.py", 4),
        SourceLocation("../outside.py", 1),
        SourceLocation("/etc/hostname", 1),
        SourceLocation("lib.py", 0),
    ],
    ids=["missing-file", "outside-the-root", "absolute-outside", "no-line"],
)
def test_a_recorded_line_that_names_no_file_of_the_program_falls_through(
    tmp_path: Path, recorded: SourceLocation
) -> None:
    root = tmp_path / "program"
    root.mkdir()
    (tmp_path / "outside.py").write_text("x = 1\n")
    graph = _graph(_files(root), key_source=recorded, direct_source=recorded)
    assert _at(graph, KEY_URN) == Location("lib.py")
    assert _at(graph, DIRECT_URN) == Location("Pulumi.test.yaml")


def test_a_call_site_that_names_no_file_is_dropped(tmp_path: Path) -> None:
    graph = _graph(_files(tmp_path), key_source=SourceLocation("lib.py", 2), key_call_site=SourceLocation("gone.py", 9))
    assert _at(graph, KEY_URN) == Location("lib.py", 2)


def test_stack_wide_findings_point_at_the_stack_file_else_the_project_file(tmp_path: Path) -> None:
    graph = _graph(_files(tmp_path))
    whole = Finding("p", "mandatory", "high", "m", stack_ref(graph))
    assert graph_locator(graph).locate(whole) == Location("Pulumi.test.yaml")
    (tmp_path / "Pulumi.test.yaml").unlink()
    assert graph_locator(graph).locate(whole) == Location("Pulumi.yaml")


def test_a_graph_without_a_program_dir_points_at_the_stack_file() -> None:
    graph = ResourceGraph(project=PROJECT, stack="prod")
    assert graph_locator(graph) == stack_file_locator("prod")
    assert stack_file_locator("prod").locate(Finding("p", "advisory", "low", "m")) == Location("Pulumi.prod.yaml")


def test_every_audit_check_points_at_an_existing_baseline_file() -> None:
    locator = audit_locator()
    assert locator.root == REPO_ROOT
    assert (REPO_ROOT / BASELINE_STACK_FILE).is_file()
    expected = {
        "audit-kms-key-rotation": "components/security/kms.py",
        "audit-s3-bucket-encryption": "components/storage/secure_bucket.py",
        "audit-iam-access-key-age": "policies/aws/iam/user_no_access_keys.py",
        "audit-iam-user-present": "policies/aws/iam/user_not_used.py",
        "audit-cloudtrail-validation": "components/security/audit_trail.py",
        "audit-cloudtrail-present": "components/security/audit_trail.py",
    }
    for check in CHECKS:
        location = locator.locate(Finding(check, "mandatory", "high", "m", ResourceRef("arn:aws:x", "t", "x")))
        assert location == Location(expected[check]), check
        assert (REPO_ROOT / location.file).is_file(), check


def test_an_audit_baseline_that_is_gone_falls_back_to_the_stack_file(tmp_path: Path) -> None:
    (tmp_path / "components" / "security").mkdir(parents=True)
    (tmp_path / "components" / "security" / "kms.py").write_text("")
    locator = audit_locator(tmp_path)
    assert locator.locate(Finding("audit-kms-key-rotation", "mandatory", "high", "m")) == Location(
        "components/security/kms.py"
    )
    assert locator.locate(Finding("audit-cloudtrail-present", "mandatory", "high", "m")) == Location(
        BASELINE_STACK_FILE
    )


def test_source_locations_round_trip_through_the_graph_json(tmp_path: Path) -> None:
    graph = _graph(
        _files(tmp_path), key_source=SourceLocation("lib.py", 2), key_call_site=SourceLocation("__main__.py", 3)
    )
    data = json.loads(graph.to_json())
    key = next(r for r in data["resources"] if r["urn"] == KEY_URN)
    assert (key["source"], key["call_site"]) == ({"file": "lib.py", "line": 2}, {"file": "__main__.py", "line": 3})
    direct = next(r for r in data["resources"] if r["urn"] == DIRECT_URN)
    assert "source" not in direct and "call_site" not in direct
    again = ResourceGraph.from_dict(data)
    assert again.resources[KEY_URN].source == SourceLocation("lib.py", 2)
    assert again.resources[KEY_URN].call_site == SourceLocation("__main__.py", 3)
    assert again.resources[DIRECT_URN].source is None


def test_snapshots_and_diffs_leave_source_locations_out(tmp_path: Path) -> None:
    root = _files(tmp_path)
    located = _graph(root, key_source=SourceLocation("lib.py", 2), key_call_site=SourceLocation("__main__.py", 3))
    moved = _graph(root, key_source=SourceLocation("lib.py", 40), direct_source=SourceLocation("__main__.py", 1))
    bare = _graph(root)
    assert render(located) == render(moved) == render(bare) == bare.to_json()
    assert '"source"' not in render(located) and '"call_site"' not in render(located)
    assert diff_graphs(located, moved).empty
    assert diff_graphs(bare, located).empty
