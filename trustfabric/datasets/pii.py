"""Unredacted personal data in dataset files, found with the telemetry redaction rules (RE2).

The patterns are the telemetry component's (`redaction_rules()` is the one place that knows where they live):
email addresses, IBANs, payment card numbers, UK bank accounts, US SSNs, Canadian SINs, UK NI numbers. They are
compiled once into one RE2 alternation; RE2 runs in linear time, so a hostile document cannot stall ingest.

Documents are scanned as bytes in chunks (never loaded whole), each chunk with the tail of the one before so a
match across a chunk boundary is still seen. Text inside compressed streams (a PDF's, an image's) is not seen:
such documents are redacted before curation, and `pii_status` records it. The message names the file, the line
(or the JSON path in sample.json) and the kind of datum, never the datum itself.

Usage::

    from trustfabric.datasets.pii import PiiScanner

    scanner = PiiScanner()
    finding = scanner.scan_text("mail jane@example.com")           # "email"
    for chunk in chunks: scanner.feed(chunk)                         # streamed; scanner.finding: (kind, line)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import re2

# The longest datum a pattern matches (an IBAN with spaces: 34 characters and 8 separators) fits in this overlap.
_OVERLAP = 128


def redaction_rules() -> tuple[tuple[str, str], ...]:
    """(kind, RE2 pattern) pairs of the telemetry redaction component: the adapter to where they live."""
    from components.observability.redaction import PII_PATTERNS

    return PII_PATTERNS


def _group(kind: str) -> str:
    return kind.replace("-", "_")


@cache
def _compiled() -> tuple[Any, Any, dict[str, str]]:
    rules = redaction_rules()
    alternation = "|".join(f"(?P<{_group(kind)}>{pattern})" for kind, pattern in rules)
    kinds = {_group(kind): kind for kind, _ in rules}
    return re2.compile(alternation), re2.compile(alternation.encode("ascii")), kinds


@dataclass(frozen=True)
class PiiFinding:
    kind: str
    """The rule's kind: email, iban, card, uk-bank-account, us-ssn, ca-sin, uk-nino."""
    where: str
    """`line N` in a document, `$.path` in sample.json."""


class PiiScanner:
    """Finds the first unredacted datum in text, JSON values or a byte stream fed in chunks."""

    def __init__(self) -> None:
        self._text, self._bytes, self._kinds = _compiled()
        self._tail = b""
        self._line = 1
        self.finding: PiiFinding | None = None

    def scan_text(self, text: str) -> str | None:
        """The kind of the first datum in `text`, or None."""
        match = self._text.search(text)
        return None if match is None else self._kinds[match.lastgroup]

    def scan_json(self, value: Any, path: str = "$") -> PiiFinding | None:
        """The first datum in any string (key or value) of a parsed JSON document, with its JSON path."""
        for where, text in _strings(value, path):
            kind = self.scan_text(text)
            if kind is not None:
                return PiiFinding(kind, where)
        return None

    def feed(self, chunk: bytes) -> None:
        """Scan the next chunk of a stream; the first finding is kept in `finding` (later chunks are skipped)."""
        if self.finding is not None or not chunk:
            return
        window = self._tail + chunk
        match = self._bytes.search(window)
        if match is not None:
            line = self._line - self._tail.count(b"\n") + window.count(b"\n", 0, match.start())
            group = match.lastgroup.decode("ascii") if isinstance(match.lastgroup, bytes) else match.lastgroup
            self.finding = PiiFinding(self._kinds[group], f"line {line}")
            return
        self._line += chunk.count(b"\n")
        self._tail = window[-_OVERLAP:]


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}"
            yield child, str(key)
            yield from _strings(item, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")
