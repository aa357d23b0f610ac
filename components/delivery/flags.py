"""Feature flags as data: `flags/<service>.json`, one AppConfig feature-flag document per service, validated
against AppConfig's own `AWS.AppConfig.FeatureFlags` JSON schema (vendored in `flags/`) before anything deploys.

A bad document fails with one line naming the file, the JSON path and the rule it breaks, e.g.::

    flags/filing.json: values.submissionRetryJitter.maxDelaySeconds: 'soon' is not valid under any of the given schemas

Usage::

    from components.delivery.flags import load_flag_documents

    documents = load_flag_documents(Path("flags"))     # {"api": FlagDocument(...), ...}
    documents["filing"].content                         # canonical JSON text, as AppConfig stores it
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from domain.errors import InputError

SCHEMA_FILE = "appconfig-feature-flags.schema.json"
"""AppConfig's feature-flag schema, vendored unchanged beside the flag documents."""
PROFILE_TYPE = "AWS.AppConfig.FeatureFlags"
"""The configuration profile type AppConfig validates against that schema."""
MAX_HOSTED_BYTES = 2 * 1024 * 1024
"""AppConfig's limit on a hosted configuration version (2 MB)."""


class FlagsError(InputError):
    """A feature-flag document is unreadable or breaks AppConfig's feature-flag schema."""


@dataclass(frozen=True)
class FlagDocument:
    """One service's validated feature flags."""

    service: str
    """The service the flags belong to (the file's stem, an SLO's `spec.service`)."""
    source: str
    """The file, for messages."""
    content: str
    """Canonical JSON (sorted keys, no spaces): what the hosted configuration version holds."""
    flags: tuple[str, ...]
    """Flag keys, sorted."""


@cache
def _validator(schema_path: Path) -> jsonschema.Draft7Validator:
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def _where(error: jsonschema.ValidationError) -> str:
    path = ".".join(str(part) for part in error.absolute_path)
    return path or "(document)"


def _first_line(text: str, limit: int = 160) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else f"{line[: limit - 3]}..."


def parse_flag_document(document: Any, source: str, service: str, schema_path: Path) -> FlagDocument:
    """Validate an already-parsed document; raises FlagsError naming `source` and the first bad path."""
    errors = sorted(_validator(schema_path).iter_errors(document), key=lambda e: (list(e.absolute_path), e.message))
    if errors:
        error = errors[0]
        raise FlagsError(f"{source}: {_where(error)}: {_first_line(error.message)}")
    values = document.get("values", {})
    flags = document.get("flags", {})
    for key in values:
        if key not in flags:
            raise FlagsError(
                f"{source}: values.{key}: no flag {key!r} is defined; allowed: {', '.join(flags) or 'none'}"
            )
    content = json.dumps(document, sort_keys=True, separators=(",", ":"))
    if len(content.encode("utf-8")) > MAX_HOSTED_BYTES:
        raise FlagsError(f"{source}: larger than AppConfig's 2 MB hosted configuration limit")
    return FlagDocument(service=service, source=source, content=content, flags=tuple(sorted(flags)))


def load_flag_document(path: Path, schema_path: Path) -> FlagDocument:
    source = str(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as error:
        raise FlagsError(f"{source}: cannot be read: {error.strerror}") from None
    except UnicodeDecodeError:
        raise FlagsError(f"{source}: not UTF-8 text") from None
    try:
        document = json.loads(text, object_pairs_hook=_no_duplicates(source))
    except json.JSONDecodeError as error:
        raise FlagsError(f"{source}:{error.lineno}: not valid JSON: {error.msg}") from None
    return parse_flag_document(document, source, path.stem, schema_path)


def _no_duplicates(source: str) -> Any:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for key, value in items:
            if key in seen:
                raise FlagsError(f"{source}: key {key!r} appears twice")
            seen[key] = value
        return seen

    return pairs


def load_flag_documents(flags_dir: Path) -> dict[str, FlagDocument]:
    """Every `<service>.json` of `flags_dir` but the schema, by service; raises FlagsError on the first bad one."""
    schema_path = flags_dir / SCHEMA_FILE
    if not schema_path.is_file():
        raise FlagsError(f"{flags_dir}: holds no {SCHEMA_FILE}")
    documents: dict[str, FlagDocument] = {}
    for path in sorted(flags_dir.glob("*.json")):
        if path.name == SCHEMA_FILE:
            continue
        document = load_flag_document(path, schema_path)
        documents[document.service] = document
    return documents
