"""The repository's SLO specs, loaded once, and variants of one of them for the generator tests."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from slogen.spec import SloSpec, load_slo_dir, parse_slo

REPO = Path(__file__).resolve().parents[2]
SLOS = {slo.name: slo for slo in load_slo_dir(REPO / "slos")}
BASE: dict[str, Any] = yaml.safe_load((REPO / "slos" / "ingestion-availability.yaml").read_text())


def with_window(duration: str) -> SloSpec:
    document = copy.deepcopy(BASE)
    document["spec"]["timeWindow"][0]["duration"] = duration
    return parse_slo(document, f"slos/ingest-{duration}.yaml")
