"""`trustfabric evidence`: build an evidence package, or verify one (`trustfabric controls` is in controls.py).

Contract::

    trustfabric evidence --stack NAME --out DIR [--program DIR] [--signing-key FILE]
                         [--policy-config FILE] [--exemptions FILE] [--reports DIR]
    trustfabric evidence verify DIR --public-key FILE

Exit codes: `evidence` 0 when the package is written (whatever the controls' results: they are evidence, not a
gate); `verify` 0 valid, 1 tampered (one line per problem on stdout), 2 bad input. Bad input raises TrustFabricError (exit 2, one line, from the main CLI). Progress goes to stderr.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import TrustFabricError
from . import common
from .common import ExemptionsOption, PolicyConfigOption, ProgramOption, app, command_group, program_dir, stderr

evidence_app = command_group(
    "evidence",
    "Build a signed audit evidence package for a stack, or verify one.",
    no_args_is_help=False,
    invoke_without_command=True,
)
app.add_typer(evidence_app, name="evidence")


@evidence_app.callback(invoke_without_command=True)
def evidence(
    context: typer.Context,
    stack: Annotated[str | None, typer.Option("--stack", "-s", help="Stack name: reads Pulumi.<NAME>.yaml.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="New (or empty) directory for the package.")] = None,
    program: ProgramOption = None,
    signing_key: Annotated[
        Path | None,
        typer.Option(help="Ed25519 private key (PEM); default: env TRUSTFABRIC_EVIDENCE_KEY, else ephemeral."),
    ] = None,
    policy_config: PolicyConfigOption = None,
    exemptions: ExemptionsOption = None,
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
    from ..evidence.package import Inputs, build_package

    manifest = build_package(
        stack,
        out,
        program_dir=program_dir(program),
        signing_key=signing_key,
        policy_config_file=policy_config,
        exemptions_file=exemptions,
        inputs=Inputs(reports_dir=reports) if reports is not None else None,
        policies=common.pack_policies(),
        progress=stderr,
    )
    counts = ", ".join(f"{count} {status}" for status, count in sorted(manifest["controls"].items()))
    sys.stdout.write(
        f"evidence package for stack {stack} in {out}: {len(manifest['files'])} files hashed, manifest signed "
        f"({manifest['key']} key {manifest['signature']['public_key_fingerprint']}); controls: {counts}\n"
    )
    if manifest["key"] == "ephemeral":
        stderr("evidence: signed with an ephemeral key; give the auditor signing-key.pub through a trusted channel")


@evidence_app.command("verify")
def verify(
    directory: Annotated[Path, typer.Argument(help="The evidence package directory.")],
    public_key: Annotated[Path, typer.Option("--public-key", help="The signer's Ed25519 public key (PEM).")],
) -> None:
    """Check the manifest's signature and every file's hash; name changed, missing and extra files."""
    from ..evidence.manifest import load_public_key, read_manifest, verify_package

    key = load_public_key(public_key)
    problems = verify_package(directory, key)
    if problems:
        for line in problems:
            sys.stdout.write(f"{line}\n")
        raise typer.Exit(1)
    manifest = read_manifest(directory)
    sys.stdout.write(
        f"valid: {len(manifest['files'])} files match the signed manifest "
        f"(stack {manifest.get('stack', '?')}, commit {manifest.get('git', {}).get('commit', '?')})\n"
    )


__all__ = ["evidence_app", "verify"]
