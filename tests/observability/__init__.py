"""Tests of the SLO specs and the generators of alerting artefacts (promtool and amtool, not imitations)."""
