"""checkov's verdicts, cached by what it scanned: the same bridged files and the same checkov give the same reports.

checkov spends most of `check --with-checkov` (about 25 s on prod). Its verdicts depend only on the files it
reads (the bridged Terraform plan and the Kubernetes manifests, names and bytes), on the checkov installation
(version, executable) and on the frameworks asked for; the key is the SHA-256 of all of those. The raw JSON
reports are stored, so suppressions, expiry and the mapping back to URNs are applied afresh on every run: a
cached verdict never hides a suppression that expired since.

The cache lives in `$TRUSTFABRIC_CACHE_DIR/checkov` (default `~/.cache/trustfabric/checkov`); setting
`TRUSTFABRIC_NO_CACHE=1` runs checkov every time. An unreadable or corrupt entry is ignored and rewritten.

Usage::

    from trustfabric.bridge.cache import verdict_key, cached_reports, store_reports

    key = verdict_key(root, executable, frameworks)
    reports = cached_reports(key)
    if reports is None:
        reports = run_checkov(root)
        store_reports(key, reports)
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

CACHE_DIR_ENV = "TRUSTFABRIC_CACHE_DIR"
NO_CACHE_ENV = "TRUSTFABRIC_NO_CACHE"
FORMAT = 1
"""Bumped when the stored shape or the bridge's meaning of a verdict changes."""


def cache_dir() -> Path | None:
    """Where verdicts are kept; None when caching is turned off."""
    if os.environ.get(NO_CACHE_ENV, "").strip() not in ("", "0"):
        return None
    base = os.environ.get(CACHE_DIR_ENV)
    root = Path(base) if base else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "trustfabric"
    return root / "checkov"


def _installation(executable: Path) -> str:
    """The checkov installation: its resolved executable and the version metadata beside it."""
    resolved = executable.resolve()
    stat = resolved.stat()
    versions = sorted(
        str(path.name) for path in resolved.parent.parent.glob("lib/python*/site-packages/checkov-*.dist-info")
    )
    return json.dumps([str(resolved), stat.st_size, stat.st_mtime_ns, versions])


def verdict_key(root: Path, executable: Path, frameworks: Sequence[str]) -> str:
    """SHA-256 over every file under `root` (relative name and bytes), the installation and the frameworks."""
    digest = hashlib.sha256()
    digest.update(f"format {FORMAT}\n{_installation(executable)}\n{','.join(frameworks)}\n".encode())
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        name = path.relative_to(root).as_posix().encode()
        data = path.read_bytes()
        digest.update(b"%d:%s%d:" % (len(name), name, len(data)))
        digest.update(data)
    return digest.hexdigest()


def cached_reports(key: str) -> list[dict[str, Any]] | None:
    """The reports stored under `key`, or None (caching off, no entry, or an entry that does not read)."""
    directory = cache_dir()
    if directory is None:
        return None
    try:
        data = json.loads((directory / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, list) or not all(isinstance(report, dict) for report in data):
        return None
    return data


def store_reports(key: str, reports: list[dict[str, Any]]) -> None:
    """Keep the reports under `key`, atomically; a cache that cannot be written is no error."""
    directory = cache_dir()
    if directory is None:
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=directory, suffix=".tmp", delete=False, encoding="utf-8") as out:
            json.dump(reports, out)
        os.replace(out.name, directory / f"{key}.json")
    except OSError:
        return


__all__ = ["CACHE_DIR_ENV", "NO_CACHE_ENV", "cache_dir", "cached_reports", "store_reports", "verdict_key"]
