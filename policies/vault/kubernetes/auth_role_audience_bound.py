"""vault-kubernetes-auth-role-audience-bound: Kubernetes auth roles accept only tokens issued for Vault.

A service account token names its audience. A `vault.kubernetes.AuthBackendRole` without `audience` accepts a
token issued for any audience, so a token a workload handed to another service (which may log it or replay it)
logs in to Vault as that workload; Vault 1.21 makes the audience required. `audience` must be set to the
audience workloads request for Vault (ours: `vault`), never empty or `*`. A value not known during preview is
reported.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.vault import has_wildcard

META = PolicyMeta(
    id="TF-VAULT-K8S-003",
    name="vault-kubernetes-auth-role-audience-bound",
    description="Vault Kubernetes auth roles accept only service account tokens issued for Vault's own audience.",
    severity="high",
    topics=("identity", "authentication", "vault"),
    controls={
        "SOC2": ("CC6.1",),
        "ISO27001:2022": ("A.8.5",),
        "GDPR": ("Art.32",),
    },
    remediation='Set audience on the role (e.g. "vault") and request projected tokens with that audience.',
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if is_unknown(args.props, "audience"):
        report_violation(
            f"Vault Kubernetes auth role '{args.name}': audience is not known during preview; set it literally to "
            "the audience workloads request for Vault."
        )
        return
    audience = get(args.props, "audience")
    if not isinstance(audience, str) or not audience.strip():
        report_violation(
            f"Vault Kubernetes auth role '{args.name}' accepts service account tokens of any audience; set audience "
            "to the audience workloads request for Vault."
        )
    elif has_wildcard(audience):
        report_violation(
            f"Vault Kubernetes auth role '{args.name}' binds the wildcard audience '{audience}'; set audience to "
            "the audience workloads request for Vault."
        )


POLICY = resource_policy(META, validate, resource_types=("vault:kubernetes/authBackendRole:AuthBackendRole",))
