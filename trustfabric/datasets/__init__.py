"""Golden datasets: the repository of expected outputs the accounting models are evaluated against.

Modules, one job each: `schema` (JSON Schemas and one-line errors), `pii` (the telemetry redaction rules applied
to dataset files), `model` (a stored version's types), `source` (a curator's dataset directory), `store` and
`s3store` (create-only storage), `ingest`, `versions`, `diff`, `compare` (tolerances), `thresholds`,
`evaluate`, `history`, `report` and `charts`, `synth` (seeded synthetic edge cases), `cli`.
See docs/datasets.md.
"""
