"""Observability components: the log domain and its writer's identity, PII redaction, telemetry on each cell's
cluster, and Datadog SLOs. They declare what `slogen` generates from the SLO specs in `slos/` (rule files,
dashboards, the Alertmanager configuration, Datadog definitions); they generate nothing themselves.
"""
