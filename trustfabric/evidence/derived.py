"""Derived evidence documents, kept under the SHA-256 of their inputs, so an unchanged document is built once.

The OSCAL assessment results of prod (about 27 MB, 60,000 observations) and the two CycloneDX SBOMs cost most of
an evidence package's time, yet a warm `make check` builds them from the same inputs as the last run. Each is
kept as a template: the document's bytes built for a fixed sentinel time (and serial number), after the written
document passed its checks (the OSCAL JSON schema and trestle's models; the CycloneDX schema). A later build with
the same key substitutes this run's times (and a fresh serial number) into the template instead of building
and checking it again: the same bytes the builder writes for this run's times (tests hold both paths equal).

The key covers every input of a document, as `trustfabric.gate.cache` does for a gate run (docs/adr/0017):
the document's kind, its own data (for the assessment results: everything they are built from, as plain data;
for the SBOMs: every installed distribution's RECORD, which pins each one's metadata), the toolchain's files
(`trustfabric/`), the interpreter, Python and platform, and every installed distribution's RECORD (the builders'
libraries). Any difference gives another key. Entries live in `$TRUSTFABRIC_CACHE_DIR/evidence` (default
`~/.cache/trustfabric/evidence`), the newest per program dir, stack and kind; `TRUSTFABRIC_NO_CACHE=1` turns it
off. An entry is a JSON header line (format, key, the body's SHA-256) and the document's bytes, never pickle; an
entry that does not read, names another key or whose body does not hash to its header's is ignored. Documents
hold no secret: the graph they derive from is the masked one the gate cache keeps or the same findings.

Usage::

    from trustfabric.evidence.derived import document_key, load_template, store_template

    key = document_key("sbom-runtime", slot="prod", data=b"...")
    template = load_template(key)        # bytes, or None
    ...
    store_template(key, template)
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

FORMAT = 1
"""Bumped when the stored shape or a template's meaning changes."""


@dataclass(frozen=True)
class DocumentKey:
    """The SHA-256 of a derived document's inputs, and its entry's file name (one per slot and kind)."""

    digest: str
    entry: str


def cache_dir() -> Path | None:
    """Where derived documents are kept; None when caching is turned off (`TRUSTFABRIC_NO_CACHE=1`)."""
    from ..gate.cache import cache_dir as gate_cache_dir

    gate = gate_cache_dir()
    return None if gate is None else gate.parent / "evidence"


def enabled() -> bool:
    return cache_dir() is not None


def environment_digest() -> str:
    """The interpreter, the toolchain's files and every installed distribution's RECORD (computed once)."""
    return _environment_digest()


_ENVIRONMENT: list[str] = []


def _environment_digest() -> str:
    if not _ENVIRONMENT:
        from ..gate.cache import update_installed, update_tree

        digest = hashlib.sha256()
        digest.update(f"format {FORMAT}\npython {sys.version} {platform.platform()}\nprefix {sys.prefix}\n".encode())
        update_tree(digest, "toolchain", Path(__file__).resolve().parent.parent)
        update_installed(digest)
        _ENVIRONMENT.append(digest.hexdigest())
    return _ENVIRONMENT[0]


def document_key(kind: str, *, slot: str, data: bytes) -> DocumentKey:
    """The key of the `kind` document built from `data` (its inputs as bytes), kept in `slot`."""
    digest = hashlib.sha256()
    digest.update(f"kind {kind}\nenvironment {_environment_digest()}\n".encode())
    digest.update(b"%d:" % len(data))
    digest.update(data)
    where = hashlib.sha256(slot.encode()).hexdigest()[:16]
    return DocumentKey(digest.hexdigest(), f"{where}-{kind}.tmpl")


def load_template(key: DocumentKey) -> bytes | None:
    """The template kept under `key`, or None (caching off, no entry, another key, a body that does not hash)."""
    directory = cache_dir()
    if directory is None:
        return None
    try:
        raw = (directory / key.entry).read_bytes()
        header_line, _, body = raw.partition(b"\n")
        header = json.loads(header_line)
        if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("key") != key.digest:
            return None
        if header.get("sha256") != hashlib.sha256(body).hexdigest():
            return None
        return body
    except (OSError, ValueError):
        return None


def store_template(key: DocumentKey, body: bytes) -> None:
    """Keep `body` under `key` (replacing the slot's older entry of that kind), atomically; a cache that cannot be
    written is no error: the next build makes the document again."""
    directory = cache_dir()
    if directory is None:
        return
    header = json.dumps({"format": FORMAT, "key": key.digest, "sha256": hashlib.sha256(body).hexdigest()})
    with contextlib.suppress(OSError):
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=directory, suffix=".tmp", delete=False) as out:
            out.write(header.encode() + b"\n" + body)
        os.replace(out.name, directory / key.entry)


def substitute(template: bytes, replacements: dict[str, str]) -> bytes:
    """The template with each sentinel string (quoted, as JSON writes it) replaced by its value."""
    body = template
    for sentinel, value in replacements.items():
        body = body.replace(json.dumps(sentinel).encode(), json.dumps(value).encode())
    return body


def holds_every(template: bytes, sentinels: list[str]) -> bool:
    """Whether every sentinel occurs in the template (else the template would not follow this run's values)."""
    return all(json.dumps(sentinel).encode() in template for sentinel in sentinels)


__all__ = [
    "DocumentKey",
    "cache_dir",
    "document_key",
    "enabled",
    "environment_digest",
    "holds_every",
    "load_template",
    "store_template",
    "substitute",
]
