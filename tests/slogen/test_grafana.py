"""Grafana: one dashboard per service, with the SLI, the budget remaining and the burn rates."""

from __future__ import annotations

import json

from slogen.render import generate_all

from .specs import REPO


def test_grafana_dashboard_per_service_has_sli_budget_and_burn_panels() -> None:
    files = generate_all(REPO / "slos")
    dashboard = json.loads(files["grafana/slo-ledger.json"])
    assert dashboard["uid"] == "slo-ledger"
    titles = [panel["title"] for panel in dashboard["panels"]]
    assert titles[1].startswith("SLI: ") and titles[2].startswith("Error budget remaining")
    assert titles[3].startswith("Burn rates")
    exprs = [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]
    assert 'slo:error_budget_remaining:ratio{slo="ledger-freshness"}' in exprs
    assert 'slo:sli_error:ratio_rate1h{slo="ledger-freshness"} / 0.01' in exprs
