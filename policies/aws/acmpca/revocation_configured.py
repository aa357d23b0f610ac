"""aws-acmpca-revocation-configured: every private CA publishes revocation (OCSP or a CRL).

A certificate the CA revokes must stop working: the CA's `revocation_configuration` enables OCSP or a CRL. A
configuration not known during preview is reported.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy

META = PolicyMeta(
    id="TF-AWS-PCA-001",
    name="aws-acmpca-revocation-configured",
    description="Every AWS Private CA has OCSP or a certificate revocation list enabled.",
    severity="high",
    topics=("encryption-in-transit", "key-management"),
    controls={"SOC2": ("CC6.7",), "ISO27001:2022": ("A.8.24",), "NIST-800-53": ("SC-12",)},
    remediation="Set revocation_configuration.ocsp_configuration.enabled=True (or a CRL configuration) on the CA.",
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props = args.props
    for path in (
        ("revocationConfiguration",),
        ("revocationConfiguration", "ocspConfiguration", "enabled"),
        ("revocationConfiguration", "crlConfiguration", "enabled"),
    ):
        if is_unknown(props, *path):
            report_violation(
                f"Private CA '{args.name}': its revocation configuration is not known during preview; set it literally."
            )
            return
    ocsp = get(props, "revocationConfiguration", "ocspConfiguration", "enabled") is True
    crl = get(props, "revocationConfiguration", "crlConfiguration", "enabled") is True
    if not (ocsp or crl):
        report_violation(
            f"Private CA '{args.name}' publishes no revocation; enable OCSP (revocation_configuration."
            "ocsp_configuration.enabled=True) or a CRL."
        )


POLICY = resource_policy(META, validate, resource_types=("aws:acmpca/certificateAuthority:CertificateAuthority",))
