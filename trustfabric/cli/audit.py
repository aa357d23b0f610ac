"""`trustfabric audit security`: drift of a live account from the declared security baseline.

Usage::

    trustfabric audit security --region eu-west-2 --region eu-west-1 [--endpoint-url URL] [--format json]
                               [--output FILE]

Each finding points at the file of this repository that declares the baseline it drifts from
(`trustfabric.audit.audit_locator`).
"""

from __future__ import annotations

from typing import Annotated

import typer

from ..report.formats import FINDINGS_FORMATS, OutputFormat
from .common import OutputOption, app, check_output_path, command_group, format_choice, status

audit_app = command_group("audit", "Read a live AWS account (read-only) and report drift from the baseline.")
app.add_typer(audit_app, name="audit")


@audit_app.command("security")
def security(
    region: Annotated[
        list[str] | None, typer.Option("--region", "-r", help="Region to audit (repeat); default: the four cells'.")
    ] = None,
    endpoint_url: Annotated[
        str | None, typer.Option(help="AWS endpoint (e.g. a moto server); default: the real AWS endpoints.")
    ] = None,
    output_format: Annotated[OutputFormat, format_choice(FINDINGS_FORMATS, "text, json or sarif.")] = OutputFormat.text,
    output: OutputOption = None,
) -> None:
    """Keys without rotation, unencrypted buckets, old access keys, trails without validation; exit 1 on any."""
    from domain.residency import JURISDICTIONS

    from ..audit import audit_locator, audit_security, catalog
    from ..report.write import write_report

    check_output_path(output)
    regions = region or sorted(
        {j.primary_region for j in JURISDICTIONS.values()} | {j.standby_region for j in JURISDICTIONS.values()}
    )
    with status(f"auditing {', '.join(regions)}"):
        result = audit_security(regions, endpoint_url=endpoint_url)
    write_report(
        label="account",
        resources_count=result.resources_checked,
        findings=result.findings,
        output_format=output_format,
        output=output,
        rules=catalog(),
        locator=audit_locator(),
    )
    if any(finding.is_mandatory for finding in result.findings):
        raise typer.Exit(1)


__all__ = ["audit_app", "security"]
