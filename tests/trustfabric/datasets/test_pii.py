"""Unredacted personal data is refused at ingest, found with the telemetry redaction rules."""

from __future__ import annotations

import json

import pytest

from components.observability.redaction import PII_PATTERNS
from trustfabric.datasets.pii import PiiScanner, redaction_rules

from .support import run_cli, sample, write_dataset


def test_the_rules_are_the_telemetry_components():
    assert redaction_rules() is PII_PATTERNS


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("contact jane.doe@example.co.uk today", "email"),
        ("pay to GB82 WEST 1234 5698 7654 32 please", "iban"),
        ("DE89370400440532013000", "iban"),
        ("card 4111 1111 1111 1111", "card"),
        ("SSN 123-45-6789", "us-ssn"),
        ("NI number AB 12 34 56 C", "uk-nino"),
        ("INV-2024-00042 total 120.00 GBP on 2024-04-05", None),
    ],
)
def test_scanner_kinds(text, kind):
    assert PiiScanner().scan_text(text) == kind


def test_a_datum_split_across_chunks_is_found_with_its_line():
    scanner = PiiScanner()
    scanner.feed(b"line one\nline two\nmail jane.d")
    assert scanner.finding is None
    scanner.feed(b"oe@example.com\n")
    assert (scanner.finding.kind, scanner.finding.where) == ("email", "line 3")


def test_document_with_an_email_is_refused(capsys, tmp_path, store):
    directory = write_dataset(
        tmp_path / "golden", [sample("s-1", document=b"INVOICE\nTotal 12.00\nBill to jane@example.com\n")]
    )
    code, out, err = run_cli(capsys, "datasets", "ingest", directory, "--store", store)
    assert (code, out) == (2, "")
    assert err == (
        f"error: {directory / 'samples' / 's-1' / 'document.txt'}: line 3: unredacted personal data (email); "
        "redact it before ingest (the telemetry marker is [REDACTED:email])\n"
    )
    assert not store.exists()  # nothing written


def test_expected_output_with_an_iban_is_refused_with_its_json_path(capsys, tmp_path, store):
    item = sample("s-1", expected={"payee": {"account": "GB82 WEST 1234 5698 7654 32"}, "total": 1.0})
    directory = write_dataset(tmp_path / "golden", [item])
    code, _, err = run_cli(capsys, "datasets", "ingest", directory, "--store", store)
    assert (code, err) == (
        2,
        f"error: {directory / 'samples' / 's-1' / 'sample.json'}: $.expected.payee.account: unredacted personal "
        "data (iban); redact it before ingest (the telemetry marker is [REDACTED:iban])\n",
    )


def test_a_json_escaped_email_is_still_seen(capsys, tmp_path, store):
    directory = write_dataset(tmp_path / "golden", [sample("s-1")])
    path = directory / "samples" / "s-1" / "sample.json"
    document = json.loads(path.read_text())
    document["annotations"] = {"notes": "x"}
    path.write_text(json.dumps(document).replace('"x"', '"jane\\u0040example.com"'))
    code, _, err = run_cli(capsys, "datasets", "ingest", directory, "--store", store)
    assert (code, err.split(": unredacted")[0]) == (2, f"error: {path}: $.annotations.notes")
