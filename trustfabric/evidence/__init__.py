"""Audit evidence: the control catalog, the control matrix, OSCAL, the SBOM and a signed manifest.

Modules: `controls` (catalog and coverage), `matrix` (per-control results), `oscal` (OSCAL 1.1.3: trestle models,
checked against NIST's schemas), `manifest` (hashes and Ed25519), `package` (one run -> one package), `cli` (the
commands), `docs` (generated sections of docs/compliance).

Usage::

    trustfabric evidence --stack prod --out evidence/prod --signing-key key.pem
    trustfabric evidence verify evidence/prod --public-key signing-key.pub
    trustfabric controls --format json

    import typer
    from trustfabric.evidence import register

    app = typer.Typer()
    register(app)
"""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the evidence commands to `app` (imported lazily: the CLI starts fast)."""
    from .cli import register as register_commands

    register_commands(app)


__all__ = ["register"]
