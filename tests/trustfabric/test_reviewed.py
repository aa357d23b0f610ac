"""Reviewed entries (exemptions and suppressions): the maximum lifetime, patterns, stacks, and resources that
must exist in the stack being gated; and the repository's own suppressions against every stack's graph."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from trustfabric.bridge.suppressions import load_suppressions
from trustfabric.errors import TrustFabricError
from trustfabric.golden import load_snapshot
from trustfabric.graph import Resource, ResourceGraph
from trustfabric.paths import DEFAULT_CHECKOV_SUPPRESSIONS, REPO_ROOT
from trustfabric.reviewed import (
    EXEMPTIONS,
    SUPPRESSIONS,
    entries_for_stack,
    header_lifetime,
    load_entries,
    parse_entries,
    stack_names,
)

DAY = dt.date(2026, 3, 1)
ENTRY = {"check": "CKV_AWS_7", "resource": "key", "reason": "r", "approver": "a", "expires": "2026-03-31"}


def write(path: Path, entries: list[dict[str, object]], header: str = "") -> Path:
    path.write_text(header + yaml.safe_dump({"suppressions": entries}))
    return path


def test_the_default_maximum_is_90_days_inclusive(tmp_path: Path):
    ninety = (DAY + dt.timedelta(days=90)).isoformat()
    [entry] = load_entries(write(tmp_path / "s.yaml", [{**ENTRY, "expires": ninety}]), SUPPRESSIONS, today=DAY)
    assert entry.expires == DAY + dt.timedelta(days=90)
    path = write(tmp_path / "s.yaml", [{**ENTRY, "expires": (DAY + dt.timedelta(days=91)).isoformat()}])
    with pytest.raises(TrustFabricError) as raised:
        load_entries(path, SUPPRESSIONS, today=DAY)
    assert str(raised.value) == (
        f"{path}: suppressions[0].expires: 2026-05-31 is more than 90 days away (the default maximum lifetime; a "
        "header '# max-lifetime-days: N' sets another); allowed: 2026-05-30 at the latest, renewed after review"
    )


def test_the_header_and_then_the_option_set_the_maximum(tmp_path: Path):
    path = write(
        tmp_path / "s.yaml", [{**ENTRY, "expires": "2026-08-01"}], "# reviewed twice a year\n# max-lifetime-days: 180\n"
    )
    assert load_entries(path, SUPPRESSIONS, today=DAY)
    with pytest.raises(
        TrustFabricError, match=r"more than 30 days away \(the maximum lifetime set by --max-lifetime-days\)"
    ):
        load_entries(path, SUPPRESSIONS, today=DAY, max_lifetime_days=30)
    with pytest.raises(TrustFabricError, match=r"^--max-lifetime-days: 400 is out of range; allowed: 7\.\.365 days$"):
        load_entries(path, SUPPRESSIONS, today=DAY, max_lifetime_days=400)


def test_only_the_leading_comment_block_is_the_header():
    assert header_lifetime("# max-lifetime-days: 30\nsuppressions: []\n", "s.yaml") == 30
    assert header_lifetime("\n#  max-lifetime-days :  45 \n", "s.yaml") == 45
    assert header_lifetime("suppressions: []\n# max-lifetime-days: 30\n", "s.yaml") is None
    with pytest.raises(TrustFabricError) as raised:
        header_lifetime("# about\n# max-lifetime-days: 99999\n", "s.yaml")
    assert str(raised.value) == "s.yaml:2: max-lifetime-days: '99999' is not a number of days; allowed: 7..365"


def test_patterns_are_refused_and_star_is_every_resource_only_for_suppressions():
    [star] = parse_entries([{**ENTRY, "resource": "*"}], "s.yaml", SUPPRESSIONS)
    assert star.resource == "*"
    exemption = {"policy": "p", "resource": "*", "reason": "r", "approver": "a", "expires": "2026-03-31"}
    with pytest.raises(TrustFabricError) as raised:
        parse_entries([exemption], "e.yaml", EXEMPTIONS)
    assert str(raised.value) == (
        "e.yaml: exemptions[0].resource: '*' is a pattern; name one resource (its logical name or URN)"
    )
    with pytest.raises(TrustFabricError) as raised:
        parse_entries([{**ENTRY, "resource": "uk-*"}], "s.yaml", SUPPRESSIONS)
    assert str(raised.value) == (
        "s.yaml: suppressions[0].resource: 'uk-*' is a pattern; name one resource (its logical name or URN) "
        "or '*' for every resource"
    )


def graph(stack: str, *names: str) -> ResourceGraph:
    resources = {
        f"urn:pulumi:{stack}::p::aws:kms/key:Key::{name}": Resource(
            urn=f"urn:pulumi:{stack}::p::aws:kms/key:Key::{name}", type="aws:kms/key:Key", name=name, custom=True
        )
        for name in names
    }
    return ResourceGraph(project="p", stack=stack, resources=resources)


def test_entries_apply_to_their_stacks_and_must_name_a_resource_there():
    entries = parse_entries(
        [
            {**ENTRY, "resource": "key"},
            {**ENTRY, "resource": "*"},
            {**ENTRY, "resource": "prod-only", "stacks": ["prod"]},
            {**ENTRY, "resource": "urn:pulumi:prod::p::aws:kms/key:Key::prod-only"},
        ],
        "s.yaml",
        SUPPRESSIONS,
    )
    dev = entries_for_stack(entries, graph("dev", "key"), "s.yaml", ["dev", "prod"])
    assert [entry.index for entry in dev] == [0, 1]
    prod = entries_for_stack(entries, graph("prod", "key", "prod-only"), "s.yaml", ["dev", "prod"])
    assert [entry.index for entry in prod] == [0, 1, 2, 3]
    with pytest.raises(TrustFabricError) as raised:
        entries_for_stack(entries, graph("prod", "key"), "s.yaml", ["dev", "prod"])
    assert str(raised.value) == "s.yaml: suppressions[2].resource: 'prod-only' is not a resource of stack prod"
    with pytest.raises(TrustFabricError) as raised:
        entries_for_stack(entries, graph("dev", "key"), "s.yaml", ["dev"])
    assert str(raised.value) == "s.yaml: suppressions[2].stacks: 'prod' is not a stack of the program; stacks here: dev"


@pytest.mark.parametrize("stack", stack_names(REPO_ROOT))
def test_every_repository_suppression_names_a_resource_of_each_stack_it_applies_to(stack: str):
    suppressions = load_suppressions(DEFAULT_CHECKOV_SUPPRESSIONS)
    applying = entries_for_stack(
        suppressions, load_snapshot(stack), "checkov-suppressions.yaml", stack_names(REPO_ROOT)
    )
    assert applying


def test_every_repository_suppression_applies_somewhere():
    suppressions = load_suppressions(DEFAULT_CHECKOV_SUPPRESSIONS)
    used = {
        entry.index
        for stack in stack_names(REPO_ROOT)
        for entry in entries_for_stack(suppressions, load_snapshot(stack), "s", stack_names(REPO_ROOT))
    }
    assert used == {entry.index for entry in suppressions}
