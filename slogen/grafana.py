"""Grafana dashboards from the SLOs: one per service, with per SLO its SLI, error budget remaining and burn rates.

The panels query the recording rules of `slogen.prometheus` through a `datasource` template variable. Documents
are typed (`Dashboard`); the telemetry component loads them into Grafana as ConfigMaps, `slogen.render` writes
them as `grafana/slo-<service>.json`.

Usage::

    from slogen.grafana import grafana_dashboard

    dashboard = grafana_dashboard("ingestion", [slo for slo in slos if slo.service == "ingestion"])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NotRequired, TypedDict

from slogen.alerts import budget_text, burn_rate_windows
from slogen.prometheus import record_name
from slogen.promql import number_text
from slogen.spec import SloSpec

DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
"""Every panel's data source: the dashboard's `datasource` variable."""


class GridPos(TypedDict):
    h: int
    w: int
    x: int
    y: int


class Target(TypedDict):
    refId: str
    expr: str
    legendFormat: NotRequired[str]
    instant: NotRequired[bool]
    """Query the latest value only (a bar gauge of the current state)."""


class Panel(TypedDict):
    id: int
    type: str
    """`row`, `timeseries`, `stat` or `bargauge`."""
    title: str
    gridPos: GridPos
    datasource: NotRequired[dict[str, str]]
    fieldConfig: NotRequired[dict[str, object]]
    targets: NotRequired[list[Target]]
    options: NotRequired[dict[str, object]]


class Dashboard(TypedDict):
    """A Grafana dashboard model (schema version 39)."""

    title: str
    uid: str
    tags: list[str]
    timezone: str
    schemaVersion: int
    editable: bool
    time: dict[str, str]
    refresh: str
    templating: dict[str, list[dict[str, str]]]
    panels: list[Panel]


def _slo_panels(slo: SloSpec, panel_id: int, y: int) -> list[Panel]:
    """The row and the three panels of one SLO, from panel id `panel_id` and height `y` on."""
    selector = f'{{slo="{slo.name}"}}'
    budget = budget_text(slo)
    datasource = dict(DATASOURCE)
    burn_targets: list[Target] = [
        {
            "refId": chr(ord("A") + index),
            "expr": f"{record_name(window.long_window)}{selector} / {budget}",
            "legendFormat": f"burn rate {window.long_window} (alert at {number_text(factor)}x)",
        }
        for index, (window, factor) in enumerate(burn_rate_windows(slo))
    ]
    return [
        {"id": panel_id, "type": "row", "title": slo.display_name, "gridPos": {"h": 1, "w": 24, "x": 0, "y": y}},
        {
            "id": panel_id + 1,
            "type": "timeseries",
            "title": f"SLI: {slo.display_name} (objective {number_text(round(slo.target * 100, 6))}%)",
            "datasource": datasource,
            "gridPos": {"h": 8, "w": 10, "x": 0, "y": y + 1},
            "fieldConfig": {"defaults": {"unit": "percentunit", "min": 0, "max": 1}, "overrides": []},
            "targets": [
                {"refId": "A", "expr": f"1 - {record_name('5m')}{selector}", "legendFormat": "SLI (5m)"},
                {"refId": "B", "expr": f"1 - {record_name('1h')}{selector}", "legendFormat": "SLI (1h)"},
                {"refId": "C", "expr": f"slo:objective:ratio{selector}", "legendFormat": "objective"},
            ],
        },
        {
            "id": panel_id + 2,
            "type": "stat",
            "title": f"Error budget remaining ({slo.window})",
            "datasource": datasource,
            "gridPos": {"h": 8, "w": 4, "x": 10, "y": y + 1},
            "fieldConfig": {
                "defaults": {
                    "unit": "percentunit",
                    "thresholds": {
                        "mode": "absolute",
                        "steps": [
                            {"color": "red", "value": None},
                            {"color": "orange", "value": 0.25},
                            {"color": "green", "value": 0.5},
                        ],
                    },
                },
                "overrides": [],
            },
            "targets": [{"refId": "A", "expr": f"slo:error_budget_remaining:ratio{selector}"}],
        },
        {
            "id": panel_id + 3,
            "type": "timeseries",
            "title": "Burn rates (1 = budget lasts exactly the period)",
            "datasource": datasource,
            "gridPos": {"h": 8, "w": 10, "x": 14, "y": y + 1},
            "fieldConfig": {"defaults": {"unit": "none", "min": 0}, "overrides": []},
            "targets": burn_targets,
        },
    ]


def grafana_dashboard(service: str, slos: Sequence[SloSpec]) -> Dashboard:
    """One dashboard per service: per SLO the SLI, the error budget remaining and the burn rates."""
    panels: list[Panel] = []
    for index, slo in enumerate(slos):
        panels += _slo_panels(slo, panel_id=1 + 4 * index, y=9 * index)
    return {
        "title": f"SLOs: {service}",
        "uid": f"slo-{service}"[:40],
        "tags": ["slo", "generated", service],
        "timezone": "utc",
        "schemaVersion": 39,
        "editable": False,
        "time": {"from": "now-7d", "to": "now"},
        "refresh": "1m",
        "templating": {
            "list": [{"name": "datasource", "type": "datasource", "query": "prometheus", "label": "Prometheus"}]
        },
        "panels": panels,
    }
