"""A cell's private certificate authority (AWS Private CA): the root of the mesh's workload identities.

One root CA per cell, in the cell's region, its key in FIPS 140-2 level 3 HSMs (EC P-256), OCSP on so a revoked
certificate is refused, and the root certificate issued and installed so the CA is active. The service mesh's
issuer (cert-manager's AWS Private CA issuer, `components/identity/service_mesh.py`) asks it for the short-lived
workload certificates; docs/adr/0012-mesh-and-private-ca.md says why.

Usage::

    ca = CellPrivateCa("uk-mesh-ca", CellPrivateCaArgs(cell="uk", jurisdiction="UK", region="eu-west-2"),
                       opts=pulumi.ResourceOptions(provider=uk_provider))
    issuer_arn = ca.arn
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.validation import require_jurisdiction, require_range, require_region_in_jurisdiction

ROOT_TEMPLATE = "arn:aws:acm-pca:::template/RootCACertificate/V1"
KEY_ALGORITHM = "EC_prime256v1"
SIGNING_ALGORITHM = "SHA256WITHECDSA"


@dataclass(frozen=True)
class CellPrivateCaArgs:
    """Arguments of a cell's private CA."""

    cell: str
    """The cell's name prefix, e.g. `uk`; part of the CA's common name."""
    jurisdiction: str
    region: str
    """The CA's region (the provider's); validated against the jurisdiction."""
    root_validity_years: int = 10
    """Validity of the root certificate, 5..10 years."""
    deletion_window_days: int = 30
    """Days a deleted CA can be restored, 7..30."""


def validate_args(args: CellPrivateCaArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_jurisdiction("CellPrivateCa", "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction("CellPrivateCa", "region", args.region, args.jurisdiction)
    require_range("CellPrivateCa", "root_validity_years", args.root_validity_years, 5, 10)
    require_range("CellPrivateCa", "deletion_window_days", args.deletion_window_days, 7, 30)


class CellPrivateCa(pulumi.ComponentResource):
    """Root CA (HSM-backed, OCSP on) with its root certificate installed."""

    arn: pulumi.Output[str]

    def __init__(self, name: str, args: CellPrivateCaArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:identity:CellPrivateCa", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        authority = aws.acmpca.CertificateAuthority(
            f"{name}-authority",
            type="ROOT",
            usage_mode="GENERAL_PURPOSE",
            key_storage_security_standard="FIPS_140_2_LEVEL_3_OR_HIGHER",
            permanent_deletion_time_in_days=args.deletion_window_days,
            certificate_authority_configuration=aws.acmpca.CertificateAuthorityCertificateAuthorityConfigurationArgs(
                key_algorithm=KEY_ALGORITHM,
                signing_algorithm=SIGNING_ALGORITHM,
                subject=aws.acmpca.CertificateAuthorityCertificateAuthorityConfigurationSubjectArgs(
                    common_name=f"trustfabric {args.cell} mesh root",
                    organization="Trust Fabric",
                    organizational_unit=f"{args.jurisdiction} cell",
                ),
            ),
            revocation_configuration=aws.acmpca.CertificateAuthorityRevocationConfigurationArgs(
                ocsp_configuration=aws.acmpca.CertificateAuthorityRevocationConfigurationOcspConfigurationArgs(
                    enabled=True
                ),
            ),
            opts=child,
        )
        root = aws.acmpca.Certificate(
            f"{name}-root",
            certificate_authority_arn=authority.arn,
            certificate_signing_request=authority.certificate_signing_request,
            signing_algorithm=SIGNING_ALGORITHM,
            template_arn=ROOT_TEMPLATE,
            validity=aws.acmpca.CertificateValidityArgs(type="YEARS", value=str(args.root_validity_years)),
            opts=child,
        )
        aws.acmpca.CertificateAuthorityCertificate(
            f"{name}-root-installed",
            certificate_authority_arn=authority.arn,
            certificate=root.certificate,
            certificate_chain=root.certificate_chain,
            opts=child,
        )
        self.arn = authority.arn
        self.register_outputs({"arn": self.arn})
