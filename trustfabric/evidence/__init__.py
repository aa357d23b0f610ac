"""Audit evidence: the control catalog, the control matrix, OSCAL, the SBOMs and a signed manifest.

Modules: `controls` (catalog and coverage), `status` (a control's result), `inputs` (drill reports, JUnit and
checkov results), `matrix` (per-control results, Markdown, JSON), `page` (the HTML page, from
`templates/control-matrix.html.j2`), `oscal` (OSCAL 1.1.3: trestle models, checked against NIST's schemas),
`sbom` (CycloneDX: runtime closure and dev toolchain), `signing` (keys, fingerprints, signatures), `kms` (signing
with an asymmetric KMS key), `manifest` (hashes, signing, verification against an outside key), `package` (one
run -> one package), `docs` (generated sections of docs/compliance). The commands are in
`trustfabric.cli.evidence`.

Usage::

    trustfabric evidence --stack prod --out evidence/prod --signing-key key.pem
    trustfabric evidence verify evidence/prod --key-fingerprint SHA256:...
    trustfabric controls --format json
"""
