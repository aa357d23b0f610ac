"""`trustfabric audit security`: drift of a live account from the declared security baseline.

Usage::

    trustfabric audit security --region eu-west-2 --region eu-west-1 [--endpoint-url URL] [--format json]
"""

from __future__ import annotations

from typing import Annotated

import typer

from ..report.formats import FINDINGS_FORMATS, choose_format
from .common import FormatText, OutputOption, app

audit_app = typer.Typer(
    help="Read a live AWS account (read-only) and report drift from the baseline.", no_args_is_help=True
)
app.add_typer(audit_app, name="audit")


@audit_app.command("security")
def security(
    region: Annotated[
        list[str] | None, typer.Option("--region", "-r", help="Region to audit (repeat); default: the four cells'.")
    ] = None,
    endpoint_url: Annotated[
        str | None, typer.Option(help="AWS endpoint (e.g. a moto server); default: the real AWS endpoints.")
    ] = None,
    output_format: FormatText = "text",
    output: OutputOption = None,
) -> None:
    """Keys without rotation, unencrypted buckets, old access keys, trails without validation; exit 1 on any."""
    from domain.residency import JURISDICTIONS

    from ..audit import audit_security, catalog
    from ..report.write import write_report

    chosen = choose_format(output_format, FINDINGS_FORMATS)
    regions = region or sorted(
        {j.primary_region for j in JURISDICTIONS.values()} | {j.standby_region for j in JURISDICTIONS.values()}
    )
    result = audit_security(regions, endpoint_url=endpoint_url)
    write_report(
        label="account",
        resources_count=result.resources_checked,
        findings=result.findings,
        output_format=chosen,
        output=output,
        rules=catalog(),
    )
    if any(finding.is_mandatory for finding in result.findings):
        raise typer.Exit(1)


__all__ = ["audit_app", "security"]
