"""`trustfabric controls`: the control catalog, its coverage per framework, and the Statement of Applicability.

Contract::

    trustfabric controls [--format text|json] [--catalog FILE]
    trustfabric controls --coverage [--format text|json] [--catalog FILE]
    trustfabric controls --soa --out DIR [--catalog FILE]

Without options it lists every claimed control with its mode and evidence; `--coverage` prints per framework how
many controls are automated, manual, not applicable and missing their evidence; `--soa` writes the ISO/IEC
27001:2022 Statement of Applicability (soa.md, soa.html, soa-component-definition.json) into DIR. Exit codes: 0
when every entry is complete for its mode, every link resolves, every named test file and drill kind exists and
every framework with a reference list is claimed in full; 1 otherwise (the problems named, one line each); 2 for
bad input. The SoA is written whatever the coverage (it shows the gaps), and then the exit code says whether the
catalog is clean.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import TrustFabricError
from ..report.formats import DATA_FORMATS, OutputFormat, choose_format
from . import common
from .common import app


@app.command()
def controls(
    output_format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
    catalog_file: Annotated[
        Path | None, typer.Option("--catalog", help="Control catalog; default compliance/controls.yaml.")
    ] = None,
    show_coverage: Annotated[
        bool, typer.Option("--coverage", help="Per framework: automated, manual, not applicable, evidence missing.")
    ] = False,
    soa: Annotated[bool, typer.Option("--soa", help="Write the ISO 27001:2022 Statement of Applicability.")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="Directory for --soa.")] = None,
) -> None:
    """List every claimed control with its mode and evidence; exit 1 when an entry is incomplete for its mode,
    a link or test file or drill kind does not exist, or a reference list is not claimed in full."""
    from ..evidence.controls import coverage, load_catalog

    chosen = choose_format(output_format, DATA_FORMATS)
    if soa and out is None:
        raise TrustFabricError("controls: --soa needs --out DIR")
    if out is not None and not soa:
        raise TrustFabricError("controls: --out is for --soa")
    catalog = load_catalog(catalog_file, policies=common.pack_policies())
    report = coverage(catalog)
    if soa and out is not None:
        from ..evidence.soa import write_soa

        paths = write_soa(out, catalog)
        common.stderr(f"controls: wrote {', '.join(str(path) for path in paths)}")
    if chosen is OutputFormat.json:
        document = report.as_dict()
        if show_coverage:
            document = {key: document[key] for key in ("catalog", "frameworks", "summary", "problems", "ok")}
        sys.stdout.write(json.dumps(document, indent=2, sort_keys=True) + "\n")
    elif show_coverage or soa:
        sys.stdout.write(report.render_summary())
    else:
        sys.stdout.write(report.render_text())
    if not report.ok:
        raise typer.Exit(1)


__all__ = ["controls"]
