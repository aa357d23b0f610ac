"""Helpers for the incident commands: the CLI's app, and records written as plain files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from typer.testing import CliRunner, Result

from trustfabric.cli import app as cli_app


def make_app() -> typer.Typer:
    return cli_app


_RUNNER = CliRunner()


@pytest.fixture
def run():
    """`run("status", "INC-...", "--dir", d)` -> Result of `trustfabric incident status ...`."""
    app = make_app()

    def invoke(*args: str | Path) -> Result:
        return _RUNNER.invoke(app, ["incident", *map(str, args)])

    return invoke


def record(**overrides: Any) -> dict[str, Any]:
    """A valid sev1 record (UK, no personal data, detected only); keys overridden or removed (value None)."""
    data: dict[str, Any] = {
        "id": "INC-2026-03-02-001",
        "title": "Ledger writes failing in the UK cell",
        "severity": "sev1",
        "service": "ledger",
        "jurisdictions": ["UK"],
        "personal_data": False,
        "impact_started_at": None,
        "timeline": [{"at": "2026-03-02T08:00:00Z", "event": "detected"}],
    }
    for key, value in overrides.items():
        if value is None and key != "impact_started_at":
            data.pop(key, None)
        else:
            data[key] = value
    return data


def events(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    """[("2026-03-02T08:00:00Z", "detected"), ...] as timeline entries."""
    return [{"at": at, "event": event} for at, event in pairs]


def write_record(folder: Path, data: dict[str, Any], *, suffix: str = ".yaml", name: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name or data['id']}{suffix}"
    text = json.dumps(data, indent=2) if suffix == ".json" else yaml.safe_dump(data, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path
