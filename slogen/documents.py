"""Everything generated from a directory of SLO specs, as typed documents keyed by the name of their file.

Usage::

    from slogen.documents import generate

    documents = generate(Path("slos"))
    documents.rule_files["slo-ingestion-availability"]     # a RuleFile
    documents.dashboards["slo-ingestion"]                   # a Dashboard, one per service
    documents.alertmanager                                  # the AlertmanagerConfig for every alert
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from slogen.alertmanager import AlertmanagerConfig, alertmanager_config
from slogen.datadog import DatadogDefinition, datadog_definition
from slogen.grafana import Dashboard, grafana_dashboard
from slogen.prometheus import RuleFile, prometheus_rule_file
from slogen.promtool import PromtoolSuite, promtool_tests
from slogen.spec import SloSpec, load_slo_dir

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SLO_DIR = REPO_ROOT / "slos"


def rules_file_name(name: str) -> str:
    """The rule file of the artefact `slo-<name>`, as its promtool suite loads it from the same directory."""
    return f"{name}.rules.yml"


@dataclass(frozen=True)
class SloDocuments:
    """The generated documents, each mapping keyed by artefact name (`slo-<slo name>`, `slo-<service>`)."""

    rule_files: Mapping[str, RuleFile]
    """Prometheus rule file per SLO; also the spec of its PrometheusRule object."""
    test_suites: Mapping[str, PromtoolSuite]
    """`promtool test rules` suite per SLO, loading `rules_file_name(name)`."""
    datadog: Mapping[str, DatadogDefinition]
    """Datadog SLO and burn-rate monitors per SLO."""
    dashboards: Mapping[str, Dashboard]
    """Grafana dashboard per service."""
    alertmanager: AlertmanagerConfig
    """One Alertmanager configuration for every SLO alert."""


def documents_for(slos: list[SloSpec], runbook_base_url: str = "") -> SloDocuments:
    """The documents of already-loaded specs; `runbook_base_url` prefixes every runbook link."""
    names = {slo.name: f"slo-{slo.name}" for slo in slos}
    return SloDocuments(
        rule_files={names[slo.name]: prometheus_rule_file(slo, runbook_base_url) for slo in slos},
        test_suites={
            names[slo.name]: promtool_tests(slo, rules_file_name(names[slo.name]), runbook_base_url) for slo in slos
        },
        datadog={names[slo.name]: datadog_definition(slo, runbook_base_url) for slo in slos},
        dashboards={
            f"slo-{service}": grafana_dashboard(service, [slo for slo in slos if slo.service == service])
            for service in sorted({slo.service for slo in slos})
        },
        alertmanager=alertmanager_config(),
    )


def generate(slo_dir: Path | str = DEFAULT_SLO_DIR, runbook_base_url: str = "") -> SloDocuments:
    """Load every spec in `slo_dir` (raising `SloSpecError` on a bad one) and generate its documents."""
    return documents_for(load_slo_dir(Path(slo_dir)), runbook_base_url)
