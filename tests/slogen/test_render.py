"""The edge: generation is deterministic and complete, and the CLI writes every file or reports a bad spec."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

from slogen.cli import main
from slogen.prometheus import prometheus_rule_file
from slogen.render import generate_all

from .specs import BASE, REPO, SLOS


def test_generation_is_deterministic_and_complete() -> None:
    first, second = generate_all(REPO / "slos"), generate_all(REPO / "slos")
    assert first == second
    assert set(first) == {
        "alertmanager/alertmanager.yml",
        *(f"prometheus/slo-{name}.rules.yml" for name in SLOS),
        *(f"prometheus/slo-{name}.test.yml" for name in SLOS),
        *(f"datadog/slo-{name}.json" for name in SLOS),
        *(
            f"grafana/slo-{service}.json"
            for service in ("api", "extraction", "filing", "ingestion", "ledger", "modelops")
        ),
    }
    rule_file = yaml.safe_load(first["prometheus/slo-ingestion-availability.rules.yml"])
    assert rule_file == json.loads(json.dumps(prometheus_rule_file(SLOS["ingestion-availability"])))


def test_cli_writes_every_file_and_reports_bad_specs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["--out", str(tmp_path / "out")]) == 0
    written = sorted(str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert written == sorted(generate_all(REPO / "slos"))

    monkeypatch.chdir(tmp_path)
    Path("slos").mkdir()
    bad = copy.deepcopy(BASE)
    bad["spec"]["tier"] = "gold"
    Path("slos/ingest.yaml").write_text(yaml.safe_dump(bad), encoding="utf-8")
    assert main(["--out", "out2", "--slo-dir", "slos"]) == 2
    assert capsys.readouterr().err == (
        "error: slos/ingest.yaml: spec.tier: must be one of tier0, tier1, records, got 'gold'\n"
    )
