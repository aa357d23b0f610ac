"""vault-kubernetes-auth-role-no-wildcard-service-account: Kubernetes auth roles name the service accounts they
admit.

`bound_service_account_names` of a `vault.kubernetes.AuthBackendRole` decides which service accounts may log in
with the role and get its policies. `*` (or a glob such as `api-*`) admits every matching service account of
the bound namespaces, including ones created later by anyone who may create service accounts there. Every
entry must be an exact name, and the list must not be empty. A list not known during preview is reported.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.props import as_list
from policies.lib.vault import has_wildcard

META = PolicyMeta(
    id="TF-VAULT-K8S-001",
    name="vault-kubernetes-auth-role-no-wildcard-service-account",
    description="Vault Kubernetes auth roles bind exact service account names, never a wildcard.",
    severity="high",
    topics=("identity", "least-privilege", "vault"),
    controls={
        "SOC2": ("CC6.1", "CC6.2", "CC6.3"),
        "ISO27001:2022": ("A.5.15", "A.8.2", "A.8.5"),
        "GDPR": ("Art.32",),
        "NIST-800-53": ("AC-6",),
    },
    remediation="List the exact service account names in bound_service_account_names, one role per workload.",
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if is_unknown(args.props, "boundServiceAccountNames"):
        report_violation(
            f"Vault Kubernetes auth role '{args.name}': bound_service_account_names is not known during preview; "
            "list the exact service account names literally."
        )
        return
    names = [str(name) for name in as_list(get(args.props, "boundServiceAccountNames"))]
    if not names:
        report_violation(
            f"Vault Kubernetes auth role '{args.name}' binds no service account; list the exact service account "
            "names in bound_service_account_names."
        )
    for name in names:
        if has_wildcard(name):
            report_violation(
                f"Vault Kubernetes auth role '{args.name}' admits any service account matching '{name}'; list the "
                "exact service account names in bound_service_account_names."
            )


POLICY = resource_policy(META, validate, resource_types=("vault:kubernetes/authBackendRole:AuthBackendRole",))
