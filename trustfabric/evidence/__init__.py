"""Audit evidence: the control catalog, the control matrix, OSCAL, the SBOM and a signed manifest.

Modules: `controls` (catalog and coverage), `matrix` (per-control results), `oscal` (OSCAL 1.1.3: trestle models,
checked against NIST's schemas), `manifest` (hashes and Ed25519), `package` (one run -> one package), `docs`
(generated sections of docs/compliance). The commands are in `trustfabric.cli.evidence`.

Usage::

    trustfabric evidence --stack prod --out evidence/prod --signing-key key.pem
    trustfabric evidence verify evidence/prod --public-key signing-key.pub
    trustfabric controls --format json
"""
