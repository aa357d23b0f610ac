"""Progressive delivery and resilience testing of a cell: SLO burn-rate alarms, AppConfig feature flags with
canary deployments that roll back on those alarms, the rollback-rate metric, and FIS chaos experiments stopped by
the same alarms (docs/adr/0010-progressive-delivery-and-chaos.md)."""
