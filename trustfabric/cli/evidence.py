"""`trustfabric evidence`: build an evidence package, or verify one (`trustfabric controls` is in controls.py).

Contract::

    trustfabric evidence --stack NAME --out DIR [--program DIR] [--signing-key FILE | --kms-key-id ARN]
                         [--policy-config FILE] [--exemptions FILE] [--reports DIR] [--ledger DIR]
    trustfabric evidence verify DIR (--public-key FILE | --key-fingerprint SHA256:... | --kms-key-id ARN)
    trustfabric evidence verify [DIR] --ledger LEDGER (--public-key FILE | --key-fingerprint SHA256:... | --kms-key-id ARN)
    trustfabric evidence public-key --kms-key-id ARN --out FILE

Exit codes: `evidence` 0 when the package is written (whatever the controls' results: they are evidence, not a
gate), and it prints the signing key's fingerprint on stdout (pin it from there); `verify` 0 valid, 1 failed
verification (one line per problem on stdout: a changed, added or removed file, a signature that does not verify
with the trusted key, a missing, truncated or malformed manifest, a key file inside the package), 2 bad input;
`verify` names the key it trusted on stderr (`verify: trusting key SHA256:... (...)`). `public-key` writes the KMS
key's public half (GetPublicKey, PEM) for offline verification and prints its fingerprint.
A build reuses the gate run `trustfabric check` kept for exactly the same inputs (`trustfabric.gate.cache`;
the manifest's `gate.reused_run` says so), else runs the program and the policies once itself.
`--ledger DIR` on a build appends the run to the evidence ledger (trustfabric.evidence.ledger; created when
absent), signed by the package's signer, which must last: `--kms-key-id` (kms:Sign), `--signing-key` or
TRUSTFABRIC_EVIDENCE_KEY, never an ephemeral key; on `verify` it checks the ledger's hash chain and signatures
offline with the same trusted key (a KMS key's public half is fetched once with GetPublicKey; `--public-key`
with the saved PEM needs no AWS at all), exit 1 naming each edited, deleted or reordered entry, or another
signer. Without `--reports`, the build says which controls wait for a test run (`make test`) on stderr. Bad input raises TrustFabricError (exit 2, one line, from the main CLI). Progress goes to stderr.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

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

KmsKeyOption = Annotated[
    str | None,
    typer.Option("--kms-key-id", help="Asymmetric KMS key (SIGN_VERIFY): id, ARN or alias."),
]


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
    kms_key_id: KmsKeyOption = None,
    policy_config: PolicyConfigOption = None,
    exemptions: ExemptionsOption = None,
    reports: Annotated[
        Path | None,
        typer.Option(
            help="Where drill reports (drills/*.json), junit.xml and checkov results (checkov/<stack>.json) are; "
            "default reports/."
        ),
    ] = None,
    ledger: Annotated[
        Path | None,
        typer.Option(
            "--ledger",
            help="Append this run to the evidence ledger in DIR (created when absent); needs a lasting key "
            "(--kms-key-id, --signing-key or TRUSTFABRIC_EVIDENCE_KEY).",
        ),
    ] = None,
) -> None:
    """Run the stack through the engine and gate once and write a signed evidence package to --out."""
    if context.invoked_subcommand is not None:
        return
    if stack is None or out is None:
        missing = " and ".join(option for option, value in (("--stack", stack), ("--out", out)) if value is None)
        raise TrustFabricError(f"evidence: {missing} required (or use: trustfabric evidence verify DIR)")
    from ..evidence.package import Inputs, build_package

    ledger_key = _ledger_key(ledger, signing_key, kms_key_id) if ledger is not None else None
    manifest = build_package(
        stack,
        out,
        program_dir=program_dir(program),
        signing_key=signing_key,
        kms_key_id=kms_key_id,
        policy_config_file=policy_config,
        exemptions_file=exemptions,
        inputs=Inputs(reports_dir=reports) if reports is not None else None,
        policies=common.pack_policies(),
        progress=stderr,
        reuse_runs=True,
    )
    counts = ", ".join(f"{count} {status}" for status, count in sorted(manifest["controls"].items()))
    sys.stdout.write(
        f"evidence package for stack {stack} in {out}: {len(manifest['files'])} files hashed, manifest signed "
        f"({manifest['key']} key {manifest['signature']['public_key_fingerprint']}); controls: {counts}\n"
    )
    if manifest["key"] == "ephemeral":
        stderr(
            "evidence: signed with an ephemeral key; verify with --key-fingerprint "
            f"{manifest['signature']['public_key_fingerprint']} (from this output, not from the package)"
        )
    awaiting = manifest.get("tests", {}).get("awaiting_a_test_run") or []
    if awaiting:
        stderr(
            f"evidence: {len(awaiting)} controls are evidence missing until a test run of this commit "
            f"(`make test`, then `make check`): {', '.join(awaiting)}"
        )
    if ledger is not None and ledger_key is not None:
        from ..evidence.ledger import append_run

        entry = append_run(ledger, out, ledger_key)
        sys.stdout.write(f"ledger {ledger}: appended entry {entry['sequence']:06d} (run {entry['run_id']})\n")


def _ledger_key(ledger: Path, signing_key: Path | None, kms_key_id: str | None) -> Any:
    """The lasting signer that extends the ledger (the KMS key, else the local Ed25519 key), checked before the
    run (bad input: exit 2)."""
    from ..evidence.signing import load_signer

    if ledger.exists() and not ledger.is_dir():
        raise TrustFabricError(f"--ledger: {ledger} is not a directory")
    if kms_key_id:
        if signing_key is not None:
            raise TrustFabricError("evidence: --signing-key and --kms-key-id exclude each other; choose one")
        from ..evidence.kms import KmsSigner

        return KmsSigner.open(kms_key_id)
    signer = load_signer(signing_key)
    if signer.provenance == "ephemeral":
        raise TrustFabricError(
            "--ledger: needs a lasting key (--kms-key-id ARN, --signing-key FILE or TRUSTFABRIC_EVIDENCE_KEY), "
            "not an ephemeral one"
        )
    return signer


@evidence_app.command("verify")
def verify(
    directory: Annotated[Path | None, typer.Argument(help="The evidence package directory.")] = None,
    public_key: Annotated[
        Path | None,
        typer.Option("--public-key", help="The signer's public key (PEM), from outside the package."),
    ] = None,
    key_fingerprint: Annotated[
        str | None,
        typer.Option("--key-fingerprint", help="The signer's pinned key fingerprint, SHA256:..."),
    ] = None,
    kms_key_id: KmsKeyOption = None,
    ledger: Annotated[
        Path | None,
        typer.Option("--ledger", help="Also verify the evidence ledger in DIR (hash chain, signatures) with the key."),
    ] = None,
    release_keys: Annotated[
        Path | None,
        typer.Option(
            "--release-keys",
            help="Pinned release signing keys (*.pem); default compliance/release-signing-keys/ of the repository.",
        ),
    ] = None,
) -> None:
    """Check the manifest's signature with a key trusted from outside the package, then every file's hash; with
    --ledger, the ledger's chain and signatures with the same key. A release decision in the package must be
    signed by a pinned key (refused otherwise); with none pinned it is reported as of unverified identity."""
    from ..evidence.manifest import Trust, verify_package
    from ..evidence.signing import parse_fingerprint

    given = [
        name
        for name, value in (
            ("--public-key", public_key),
            ("--key-fingerprint", key_fingerprint),
            ("--kms-key-id", kms_key_id),
        )
        if value
    ]
    if len(given) != 1:
        raise TrustFabricError(
            "verify: give exactly one of --public-key FILE, --key-fingerprint SHA256:..., --kms-key-id ARN"
            + (f" (got {', '.join(given)})" if given else "")
        )
    if directory is None and ledger is None:
        raise TrustFabricError("verify: give an evidence package DIR, --ledger DIR, or both")
    if directory is not None and not directory.is_dir():
        raise TrustFabricError(f"{directory}: not a directory")
    if ledger is not None and not ledger.is_dir():
        raise TrustFabricError(f"--ledger: {ledger} is not a directory")
    problems = _verify_ledger(ledger, public_key, key_fingerprint, kms_key_id) if ledger is not None else []
    if directory is None:
        _finish_ledger(ledger, problems)
        return
    if public_key is not None:
        trust = Trust.from_public_key_file(public_key, directory)
    elif key_fingerprint is not None:
        trust = Trust.from_fingerprint(parse_fingerprint(key_fingerprint))
    else:
        trust = Trust.from_kms(str(kms_key_id))
    result = verify_package(directory, trust)
    if result.trusted_fingerprint:
        stderr(f"verify: trusting key {result.trusted_fingerprint} ({trust.description})")
    problems = [*problems, *_verify_release_decisions(directory, release_keys)]
    if not result.valid or problems:
        for line in (*result.problems, *problems):
            sys.stdout.write(f"{line}\n")
        raise typer.Exit(1)
    if ledger is not None:
        _finish_ledger(ledger, problems)
    manifest = result.manifest or {}
    sys.stdout.write(
        f"valid: {len(manifest['files'])} files match the signed manifest "
        f"(stack {manifest.get('stack', '?')}, commit {manifest.get('git', {}).get('commit', '?')})\n"
    )
    if manifest.get("key") == "ephemeral":
        stderr("verify: the package was signed with an ephemeral key; trust it only as far as the fingerprint's source")


def _verify_release_decisions(directory: Path, release_keys: Path | None) -> list[str]:
    """One problem line per release decision in the package whose signer is refused; an unverified identity
    (no key pinned) is said on stderr, never counted as verified."""
    from ..evidence.decisions import PACKAGE_DIR, load_pinned_signers, signer_identity

    if release_keys is not None and not release_keys.is_dir():
        raise TrustFabricError(f"--release-keys: {release_keys} is not a directory")
    folder = directory / PACKAGE_DIR
    decisions = sorted(folder.glob("decision-*.json")) if folder.is_dir() else []
    if not decisions:
        return []
    pinned = load_pinned_signers(release_keys)
    problems = []
    for path in decisions:
        status, lines, signer = signer_identity(path, pinned)
        name = f"{PACKAGE_DIR}/{path.name}"
        if status == "fail":
            problems += [f"{name}: {line}" for line in lines]
        elif status == "unknown":
            stderr(f"verify: {name}: {lines[0]} (signed by {signer}; integrity only)")
        else:
            stderr(f"verify: {name}: signed by pinned key {signer}")
    return problems


def _verify_ledger(ledger: Path, public_key: Path | None, pinned: str | None, kms_key_id: str | None) -> list[str]:
    """Problems of the ledger with the trusted key, checked offline: the given public key file, the KMS key's
    public half (one GetPublicKey), or the ledger's own key when its fingerprint is the pinned one (a ledger
    signed by any other key is a problem, never bad input)."""
    from ..evidence.ledger import PUBLIC_KEY, ledger_public_key, verify_ledger
    from ..evidence.signing import fingerprint, load_public_key, load_public_key_bytes, parse_fingerprint

    if public_key is not None:
        return verify_ledger(ledger, load_public_key(public_key))
    if kms_key_id:
        from ..evidence.kms import fetch_public_key

        return verify_ledger(ledger, load_public_key_bytes(fetch_public_key(kms_key_id), f"--kms-key-id {kms_key_id}"))
    wanted = parse_fingerprint(str(pinned))
    key = ledger_public_key(ledger)
    if key is None:
        return [f"ledger: {ledger / PUBLIC_KEY} is missing or not a public key; cannot match the pinned {wanted}"]
    found = fingerprint(key)
    if found != wanted:
        return [f"ledger: signed with key {found}, not the pinned {wanted}"]
    return verify_ledger(ledger, key)


def _finish_ledger(ledger: Path | None, problems: list[str]) -> None:
    from ..evidence.ledger import read_entries

    if problems:
        sys.stdout.write("".join(f"{line}\n" for line in problems))
        raise typer.Exit(1)
    count = len(read_entries(ledger)) if ledger is not None else 0
    sys.stdout.write(f"valid: ledger {ledger}: {count} entries chained and signed\n")


@evidence_app.command("public-key")
def public_key_command(
    kms_key_id: Annotated[str, typer.Option("--kms-key-id", help="Asymmetric KMS key (SIGN_VERIFY).")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the PEM (keep it outside any package).")],
) -> None:
    """Save a KMS signing key's public half (GetPublicKey) for offline verification; print its fingerprint."""
    from ..evidence.kms import fetch_public_key
    from ..evidence.signing import fingerprint, load_public_key_bytes

    pem = fetch_public_key(kms_key_id)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(pem)
    except OSError as error:
        raise TrustFabricError(f"--out: {out}: cannot write: {error.strerror or error}") from None
    key = load_public_key_bytes(pem, kms_key_id)
    sys.stdout.write(f"wrote {out}: public key of {kms_key_id}, fingerprint {fingerprint(key)}\n")


__all__ = ["evidence_app", "verify"]
