"""Malformed policy exemptions and checkov suppressions: each one line naming the file, the entry and the key.

Entries are dated decisions, so nothing is accepted silently: an impossible or far-off expiry, a pattern for a
resource, a check id checkov does not run, and (at gate time) a resource the stack does not declare."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.robustness.conftest import STACK, assert_bad_input, run_cli
from tests.trustfabric.helpers import write_isolated_config

TODAY = dt.date.today()
LIVE = (TODAY + dt.timedelta(days=30)).isoformat()
EXEMPTION = {
    "policy": "aws-kms-key-rotation-enabled",
    "resource": "ledger-key",
    "reason": "Imported key material cannot rotate.",
    "approver": "security@example.com",
    "expires": LIVE,
}
SUPPRESSION = {
    "check": "CKV_AWS_7",
    "resource": "ledger-key",
    "reason": "Imported key material cannot rotate.",
    "approver": "platform-security",
    "expires": LIVE,
}


def entries_file(list_key: str, entries: list[dict[str, Any]], header: str = "") -> str:
    return header + yaml.safe_dump({list_key: entries}, sort_keys=False)


def days_ahead(days: int) -> str:
    return (TODAY + dt.timedelta(days=days)).isoformat()


# Cases that fail while the file is read, before the program runs: (id, file text, names).
EXEMPTION_CASES: list[tuple[str, str | bytes, tuple[str, ...]]] = [
    (
        "impossible-date-unquoted",
        entries_file("exemptions", [EXEMPTION]).replace(f"expires: '{LIVE}'", "expires: 2026-02-30"),
        ("exemptions[0].expires", "2026-02-30", "not a valid date"),
    ),
    (
        "impossible-date-quoted",
        entries_file("exemptions", [{**EXEMPTION, "expires": "2026-02-30"}]),
        ("exemptions[0].expires", "not a date"),
    ),
    ("date-as-words", entries_file("exemptions", [{**EXEMPTION, "expires": "soon"}]), ("exemptions[0].expires",)),
    ("date-as-number", entries_file("exemptions", [{**EXEMPTION, "expires": 20270101}]), ("exemptions[0].expires",)),
    (
        "decades-ahead",
        entries_file("exemptions", [{**EXEMPTION, "expires": "2099-12-31"}]),
        ("exemptions[0].expires", "more than 90 days away", "default maximum lifetime"),
    ),
    (
        "one-day-too-far",
        entries_file("exemptions", [EXEMPTION, {**EXEMPTION, "expires": days_ahead(91)}]),
        ("exemptions[1].expires", "more than 90 days"),
    ),
    (
        "beyond-the-header",
        entries_file("exemptions", [EXEMPTION], header="# max-lifetime-days: 14\n"),
        ("exemptions[0].expires", "more than 14 days", "header"),
    ),
    (
        "header-above-the-cap",
        entries_file("exemptions", [EXEMPTION], header="# reviewed yearly\n# max-lifetime-days: 1000\n"),
        ("exemptions.yaml:2", "max-lifetime-days", "7..365"),
    ),
    (
        "header-below-the-floor",
        entries_file("exemptions", [EXEMPTION], header="# max-lifetime-days: 3\n"),
        ("max-lifetime-days", "7..365"),
    ),
    (
        "header-not-a-number",
        entries_file("exemptions", [EXEMPTION], header="# max-lifetime-days: forever\n"),
        ("max-lifetime-days", "'forever'"),
    ),
    ("wildcard", entries_file("exemptions", [{**EXEMPTION, "resource": "*"}]), ("exemptions[0].resource", "pattern")),
    (
        "pattern",
        entries_file("exemptions", [{**EXEMPTION, "resource": "ledger-*"}]),
        ("exemptions[0].resource", "pattern"),
    ),
    (
        "question-mark",
        entries_file("exemptions", [{**EXEMPTION, "resource": "ledger-ke?"}]),
        ("exemptions[0].resource",),
    ),
    (
        "policy-misspelled",
        entries_file("exemptions", [{**EXEMPTION, "policy": "aws-kms-key-rotation-enable"}]),
        ("exemptions[0].policy", "did you mean 'aws-kms-key-rotation-enabled'"),
    ),
    (
        "stacks-not-allowed",
        entries_file("exemptions", [{**EXEMPTION, "stacks": [STACK]}]),
        ("exemptions[0].stacks", "unknown key"),
    ),
    (
        "duplicate-key-in-entry",
        entries_file("exemptions", [EXEMPTION]) + f"  expires: '{LIVE}'\n",
        ("exemptions[0].expires", "duplicate key"),
    ),
    (
        "duplicate-list",
        entries_file("exemptions", [EXEMPTION]) + "exemptions: []\n",
        ("exemptions", "duplicate key"),
    ),
    ("entry-a-string", "exemptions:\n  - ledger-key\n", ("exemptions[0]", "expected a mapping")),
    ("reason-a-number", entries_file("exemptions", [{**EXEMPTION, "reason": 42}]), ("exemptions[0].reason",)),
    (
        "reason-missing",
        entries_file("exemptions", [{k: v for k, v in EXEMPTION.items() if k != "reason"}]),
        ("exemptions[0].reason", "required"),
    ),
    ("list-key-misspelled", entries_file("exemption", [EXEMPTION]), ("exemption", "unknown key")),
    (
        "non-utf8",
        entries_file("exemptions", [EXEMPTION]).encode().replace(b"Imported", b"Imp\xf6rted"),
        ("not UTF-8", "line 4"),
    ),
    ("deep-nesting", "exemptions: " + "[" * 200 + "]" * 200 + "\n", ("exemptions", "nested deeper")),
    (
        "integer-5000-digits",
        entries_file("exemptions", [EXEMPTION]).replace(f"'{LIVE}'", "9" * 5000),
        ("exemptions[0].expires", "5000 digits"),
    ),
    ("syntax-error", "exemptions: [\n", ("not valid YAML",)),
]


@pytest.mark.parametrize(("text", "names"), [c[1:] for c in EXEMPTION_CASES], ids=[c[0] for c in EXEMPTION_CASES])
def test_a_malformed_exemptions_file_is_one_line(
    foreign: Callable[..., Path], tmp_path: Path, text: str | bytes, names: tuple[str, ...]
):
    path = tmp_path / "exemptions.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    outcome = run_cli(["check", "--stack", STACK, "--program", foreign(), "--exemptions", path])
    assert_bad_input(outcome, "exemptions.yaml", *names)


@pytest.mark.parametrize("days", ["0", "6", "366", "100000"])
def test_the_lifetime_option_is_bounded(foreign: Callable[..., Path], days: str):
    outcome = run_cli(["check", "--stack", STACK, "--program", foreign(), "--max-lifetime-days", days])
    assert_bad_input(outcome, "--max-lifetime-days", days, "7..365")


def test_the_lifetime_option_overrides_the_header(foreign: Callable[..., Path], tmp_path: Path):
    path = tmp_path / "exemptions.yaml"
    path.write_text(
        entries_file("exemptions", [{**EXEMPTION, "expires": days_ahead(200)}], "# max-lifetime-days: 365\n")
    )
    outcome = run_cli(
        ["check", "--stack", STACK, "--program", foreign(), "--exemptions", path, "--max-lifetime-days", "30"]
    )
    assert_bad_input(outcome, "exemptions.yaml", "exemptions[0].expires", "more than 30 days", "--max-lifetime-days")


@pytest.mark.parametrize(
    ("resource", "names"),
    [
        ("ledger-keyy", ("'ledger-keyy' is not a resource of stack test", "did you mean 'ledger-key'")),
        ("vault-key", ("'vault-key' is not a resource of stack test", "name it by URN")),
        ("urn:pulumi:test::foreign::aws:kms/key:Key::gone", ("is not a resource of stack test",)),
    ],
    ids=["misspelled", "absent", "urn-of-this-stack"],
)
def test_an_exemption_for_a_resource_the_stack_lacks_is_refused(
    foreign: Callable[..., Path], tmp_path: Path, resource: str, names: tuple[str, ...]
):
    path = tmp_path / "exemptions.yaml"
    path.write_text(entries_file("exemptions", [{**EXEMPTION, "resource": resource}]))
    outcome = run_cli(["check", "--stack", STACK, "--program", foreign(), "--exemptions", path])
    assert_bad_input(outcome, "exemptions.yaml", "exemptions[0].resource", *names)


def test_an_exemption_for_another_stack_by_urn_does_not_apply(foreign: Callable[..., Path], tmp_path: Path):
    path = tmp_path / "exemptions.yaml"
    urn = "urn:pulumi:prod::foreign::aws:kms/key:Key::only-in-prod"
    path.write_text(entries_file("exemptions", [{**EXEMPTION, "resource": urn}]))
    config = write_isolated_config(tmp_path / "policy.yaml")
    outcome = run_cli(
        [
            "check",
            "--stack",
            STACK,
            "--program",
            foreign(),
            "--exemptions",
            path,
            "--policy-config",
            config,
            "--format",
            "json",
        ]
    )
    assert outcome.code == 0, outcome.stderr
    assert '"exempted": []' in outcome.stdout


SUPPRESSION_CASES: list[tuple[str, str | bytes, tuple[str, ...]]] = [
    (
        "impossible-date-unquoted",
        entries_file("suppressions", [SUPPRESSION]).replace(f"expires: '{LIVE}'", "expires: 2027-02-29"),
        ("suppressions[0].expires", "2027-02-29", "not a valid date"),
    ),
    (
        "decades-ahead",
        entries_file("suppressions", [{**SUPPRESSION, "expires": "2060-01-01"}]),
        ("suppressions[0].expires", "more than 90 days away"),
    ),
    (
        "beyond-the-header",
        entries_file("suppressions", [{**SUPPRESSION, "expires": days_ahead(200)}], "# max-lifetime-days: 180\n"),
        ("suppressions[0].expires", "more than 180 days"),
    ),
    (
        "header-above-the-cap",
        entries_file("suppressions", [SUPPRESSION], header="# max-lifetime-days: 400\n"),
        ("max-lifetime-days", "7..365"),
    ),
    (
        "unknown-check-id",
        entries_file("suppressions", [{**SUPPRESSION, "check": "CKV_AWS_99999"}]),
        ("suppressions[0].check", "'CKV_AWS_99999' is not a check checkov"),
    ),
    (
        "azure-check-id",
        entries_file("suppressions", [{**SUPPRESSION, "check": "CKV_AZURE_1"}]),
        ("suppressions[0].check", "AWS or Kubernetes"),
    ),
    (
        "malformed-check-id",
        entries_file("suppressions", [{**SUPPRESSION, "check": "ckv_aws_7"}]),
        ("suppressions[0].check", "not a checkov check id"),
    ),
    (
        "check-id-10000-characters",
        entries_file("suppressions", [{**SUPPRESSION, "check": "CKV_" + "A" * 10_000}]),
        ("suppressions[0].check", "..."),
    ),
    (
        "prefix-pattern",
        entries_file("suppressions", [{**SUPPRESSION, "resource": "uk-*"}]),
        ("suppressions[0].resource", "pattern", "or '*' for every resource"),
    ),
    (
        "stacks-a-string",
        entries_file("suppressions", [{**SUPPRESSION, "stacks": STACK}]),
        ("suppressions[0].stacks", "list of stack names"),
    ),
    (
        "stacks-empty",
        entries_file("suppressions", [{**SUPPRESSION, "stacks": []}]),
        ("suppressions[0].stacks",),
    ),
    (
        "stacks-bad-name",
        entries_file("suppressions", [{**SUPPRESSION, "stacks": ["../prod"]}]),
        ("suppressions[0].stacks", "not a stack name"),
    ),
    (
        "duplicate-key",
        entries_file("suppressions", [SUPPRESSION]) + "  check: CKV_AWS_8\n",
        ("suppressions[0].check", "duplicate key"),
    ),
    (
        "non-utf8",
        entries_file("suppressions", [SUPPRESSION]).encode().replace(b"Imported", b"\x80Imported"),
        ("not UTF-8",),
    ),
]


@pytest.mark.parametrize(("text", "names"), [c[1:] for c in SUPPRESSION_CASES], ids=[c[0] for c in SUPPRESSION_CASES])
def test_a_malformed_suppressions_file_is_one_line(
    foreign: Callable[..., Path], tmp_path: Path, text: str | bytes, names: tuple[str, ...]
):
    path = tmp_path / "suppressions.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    outcome = run_cli(
        ["check", "--stack", STACK, "--program", foreign(), "--with-checkov", "--checkov-suppressions", path]
    )
    assert_bad_input(outcome, "suppressions.yaml", *names)


@pytest.mark.parametrize(
    ("entry", "names"),
    [
        ({"resource": "ledger-keys"}, ("'ledger-keys' is not a resource of stack test", "did you mean 'ledger-key'")),
        ({"resource": "us-iam-boundary"}, ("is not a resource of stack test", "list the stacks that declare it")),
        ({"stacks": ["prod"]}, ("suppressions[0].stacks", "'prod' is not a stack of the program", "stacks here: test")),
    ],
    ids=["misspelled", "absent", "unknown-stack"],
)
def test_a_suppression_must_name_a_resource_of_a_stack_it_applies_to(
    foreign: Callable[..., Path], tmp_path: Path, entry: dict[str, Any], names: tuple[str, ...]
):
    path = tmp_path / "suppressions.yaml"
    path.write_text(entries_file("suppressions", [{**SUPPRESSION, **entry}]))
    outcome = run_cli(
        ["check", "--stack", STACK, "--program", foreign(), "--with-checkov", "--checkov-suppressions", path]
    )
    assert_bad_input(outcome, "suppressions.yaml", *names)
