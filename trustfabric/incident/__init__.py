"""On-call as code: incident records in git, breach-notification clocks, postmortems, response metrics and the
tabletop-exercise ledger, behind `trustfabric incident ...`.

Modules, one job each:

- `record`: the record file (schema `schemas/incident.schema.json`), its timeline rules, reading a folder;
- `lifecycle`: opening a record and logging events under the same rules;
- `clocks`: the breach-notification clocks of `data/clocks.yaml` applied to a record;
- `metrics`: MTTD, MTTA, MTTR per severity over a folder, against `targets`;
- `postmortem`: the blameless postmortem (`runbooks/postmortem-template.md`, Jinja2) pre-filled from a record;
- `tabletop`: the exercise ledger `runbooks/tabletop/exercises.yaml` and its staleness check;
- `cli`: the `trustfabric incident` commands (`register(app)`).

See docs/incidents.md.
"""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
"""Where the shipped schemas (`schemas/`) and data (`data/`) live."""
