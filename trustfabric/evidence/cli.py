"""`trustfabric evidence` and `trustfabric controls`: the auditor's commands.

Contract::

    trustfabric evidence --stack NAME --out DIR [--program DIR] [--signing-key FILE]
                         [--policy-config FILE] [--exemptions FILE] [--reports DIR]
    trustfabric evidence verify DIR --public-key FILE
    trustfabric controls [--format text|json] [--catalog FILE]

Exit codes: `evidence` 0 when the package is written (whatever the controls' results: they are evidence, not a
gate); `verify` 0 valid, 1 tampered (one line per problem on stdout), 2 bad input; `controls` 0 when every
claimed control has a check or a documented manual procedure and every link resolves, 1 otherwise (naming
them). Bad input raises TrustFabricError (exit 2, one line, from the main CLI). Progress goes to stderr.

Usage::

    import typer
    from trustfabric.evidence.cli import register

    app = typer.Typer()
    register(app)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import TrustFabricError

FORMATS = ("text", "json")


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _default_program() -> Path:
    from ..gate_cli import default_program_dir

    return default_program_dir()


evidence_app = typer.Typer(
    name="evidence",
    help="Build a signed audit evidence package for a stack, or verify one.",
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@evidence_app.callback(invoke_without_command=True)
def evidence(
    context: typer.Context,
    stack: Annotated[str | None, typer.Option("--stack", "-s", help="Stack name: reads Pulumi.<NAME>.yaml.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="New (or empty) directory for the package.")] = None,
    program: Annotated[
        Path | None, typer.Option(help="Pulumi program dir; default: the current dir or this repository.")
    ] = None,
    signing_key: Annotated[
        Path | None,
        typer.Option(help="Ed25519 private key (PEM); default: env TRUSTFABRIC_EVIDENCE_KEY, else ephemeral."),
    ] = None,
    policy_config: Annotated[Path | None, typer.Option(help="Policy config passed to the gate.")] = None,
    exemptions: Annotated[Path | None, typer.Option(help="Exemptions file; default policies/exemptions.yaml.")] = None,
    reports: Annotated[
        Path | None,
        typer.Option(help="Where drill reports (drills/*.json), junit.xml and checkov results are; default reports/."),
    ] = None,
) -> None:
    """Run the stack through the engine and gate once and write a signed evidence package to --out."""
    if context.invoked_subcommand is not None:
        return
    if stack is None or out is None:
        missing = " and ".join(option for option, value in (("--stack", stack), ("--out", out)) if value is None)
        raise TrustFabricError(f"evidence: {missing} required (or use: trustfabric evidence verify DIR)")
    from .package import Inputs, build_package

    manifest = build_package(
        stack,
        out,
        program_dir=program or _default_program(),
        signing_key=signing_key,
        policy_config_file=policy_config,
        exemptions_file=exemptions,
        inputs=Inputs(reports_dir=reports) if reports is not None else None,
        progress=_stderr,
    )
    counts = ", ".join(f"{count} {status}" for status, count in sorted(manifest["controls"].items()))
    sys.stdout.write(
        f"evidence package for stack {stack} in {out}: {len(manifest['files'])} files hashed, manifest signed "
        f"({manifest['key']} key {manifest['signature']['public_key_fingerprint']}); controls: {counts}\n"
    )
    if manifest["key"] == "ephemeral":
        _stderr("evidence: signed with an ephemeral key; give the auditor signing-key.pub through a trusted channel")


@evidence_app.command("verify")
def verify(
    directory: Annotated[Path, typer.Argument(help="The evidence package directory.")],
    public_key: Annotated[Path, typer.Option("--public-key", help="The signer's Ed25519 public key (PEM).")],
) -> None:
    """Check the manifest's signature and every file's hash; name changed, missing and extra files."""
    from .manifest import load_public_key, verify_package

    key = load_public_key(public_key)
    problems = verify_package(directory, key)
    if problems:
        for line in problems:
            sys.stdout.write(f"{line}\n")
        raise typer.Exit(1)
    from .manifest import read_manifest

    manifest = read_manifest(directory)
    sys.stdout.write(
        f"valid: {len(manifest['files'])} files match the signed manifest "
        f"(stack {manifest.get('stack', '?')}, commit {manifest.get('git', {}).get('commit', '?')})\n"
    )


def controls(
    output_format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
    catalog_file: Annotated[
        Path | None, typer.Option("--catalog", help="Control catalog; default compliance/controls.yaml.")
    ] = None,
) -> None:
    """List every claimed control with its checks and evidence; exit 1 when one has neither a check nor a
    documented manual procedure, or a link does not resolve."""
    from .controls import coverage, load_catalog

    if output_format not in FORMATS:
        raise TrustFabricError(f"--format: {output_format!r} is not allowed; allowed: {', '.join(FORMATS)}")
    report = coverage(load_catalog(catalog_file))
    if output_format == "json":
        sys.stdout.write(json.dumps(report.as_dict(), indent=2, sort_keys=True) + "\n")
    else:
        sys.stdout.write(report.render_text())
    if not report.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add `evidence` (with `verify`) and `controls` to the trustfabric CLI (once, however often called)."""
    if not any(group.name == "evidence" for group in app.registered_groups):
        app.add_typer(evidence_app, name="evidence")
    if not any(command.name == "controls" for command in app.registered_commands):
        app.command(name="controls")(controls)


__all__ = ["controls", "evidence_app", "register", "verify"]
