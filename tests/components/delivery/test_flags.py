"""Feature flags as data: the repository's flags pass AppConfig's schema; bad documents fail with one exact line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from components.delivery.flags import SCHEMA_FILE, FlagsError, load_flag_documents

REPO_ROOT = Path(__file__).resolve().parents[3]
FLAGS_DIR = REPO_ROOT / "flags"
SERVICES = ("api", "extraction", "filing", "ingestion", "ledger")


def flags_dir(tmp_path: Path, documents: dict[str, str]) -> Path:
    (tmp_path / SCHEMA_FILE).write_bytes((FLAGS_DIR / SCHEMA_FILE).read_bytes())
    for service, text in documents.items():
        (tmp_path / f"{service}.json").write_text(text, encoding="utf-8")
    return tmp_path


def refusal(tmp_path: Path, text: str) -> str:
    with pytest.raises(FlagsError) as error:
        load_flag_documents(flags_dir(tmp_path, {"filing": text}))
    return str(error.value).replace(str(tmp_path) + "/", "")


def test_every_service_has_valid_flags():
    documents = load_flag_documents(FLAGS_DIR)
    assert tuple(documents) == SERVICES
    filing = documents["filing"]
    assert filing.flags == ("deadlineDayQueuePriority", "submissionRetryJitter")
    assert json.loads(filing.content) == json.loads((FLAGS_DIR / "filing.json").read_text())


def test_content_is_canonical_json(tmp_path):
    documents = load_flag_documents(flags_dir(tmp_path, {"api": '{ "version": "1",  "flags": {} }'}))
    assert documents["api"].content == '{"flags":{},"version":"1"}'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"flags": {}}', "filing.json: (document): 'version' is a required property"),
        ('{"version": "2"}', "filing.json: version: '2' is not one of ['1']"),
        (
            '{"version": "1", "flags": {"Bad": {"name": "x"}}}',
            "filing.json: flags: 'Bad' does not match any of the regexes: '^[a-z][a-zA-Z\\\\d_-]{0,63}$'",
        ),
        (
            '{"version": "1", "flags": {"a": {"name": "A"}}, "values": {"a": {"enabled": "yes"}}}',
            "filing.json: values.a.enabled: 'yes' is not of type 'boolean'",
        ),
        (
            '{"version": "1", "flags": {"a": {"name": "A"}}, "values": {"b": {"enabled": true}}}',
            "filing.json: values.b: no flag 'b' is defined; allowed: a",
        ),
        ('{"version": "1", "version": "1"}', "filing.json: key 'version' appears twice"),
        ('{"version": "1",}', "filing.json:1: not valid JSON: Expecting property name enclosed in double quotes"),
    ],
    ids=["no-version", "bad-version", "bad-flag-key", "bad-value-type", "value-without-flag", "duplicate", "syntax"],
)
def test_bad_documents_fail_with_one_exact_line(tmp_path, text, message):
    assert refusal(tmp_path, text) == message


def test_a_directory_without_the_schema_is_refused(tmp_path):
    with pytest.raises(FlagsError) as error:
        load_flag_documents(tmp_path)
    assert str(error.value) == f"{tmp_path}: holds no {SCHEMA_FILE}"
