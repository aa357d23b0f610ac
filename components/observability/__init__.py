"""Observability as code: SLOs are data in `slos/`; `slo_spec` loads and validates them, `rules` generates the
Prometheus recording and alerting rules, promtool test suites, Alertmanager routes, Datadog SLOs and monitors, and
Grafana dashboards from them (`python -m components.observability.rules --out build/observability`).
"""
