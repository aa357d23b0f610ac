"""Generators from the SLO specs in `slos/`: small pure functions that return typed documents.

One module per job, in the bottom layer (they import `domain` only, never Pulumi, the components or the toolchain):

- `slogen.spec`: load and validate the OpenSLO-style specs (`SloSpec`; a bad spec raises `SloSpecError`);
- `slogen.promql`: PromQL selectors and numbers as the specs and the generated rules write them;
- `slogen.alerts`: what the page and ticket alerts are: burn-rate windows and factors, the full-outage
  condition, holds, severity, labels, annotations and runbook links;
- `slogen.prometheus`: recording and alerting rules (`RuleFile`);
- `slogen.promtool`: `promtool test rules` suites proving the alerts (`PromtoolSuite`);
- `slogen.alertmanager`: routes by severity and business hours (`AlertmanagerConfig`);
- `slogen.datadog`: Datadog SLOs and burn-rate monitors (`DatadogDefinition`);
- `slogen.grafana`: a dashboard per service (`Dashboard`);
- `slogen.documents`: all of them for a directory of specs (`SloDocuments`);
- `slogen.render` and `slogen.cli`: the edge, where documents become files (`python -m slogen --out DIR`).

The stack declares the documents through the observability components (PrometheusRule objects, Grafana
ConfigMaps, the Alertmanager Secret, Datadog SLOs and monitors); see `docs/slos.md`.
"""
