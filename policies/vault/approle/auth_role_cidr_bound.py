"""vault-approle-auth-role-cidr-bound: AppRole logins and tokens are bound to the networks of their workload.

A `vault.approle.AuthBackendRole` must list `secret_id_bound_cidrs`: the networks a secret id may log in from,
so a secret id and role id copied off the host do not work from anywhere else. No entry of it or of
`token_bound_cidrs` may cover every address (`0.0.0.0/0`, `::/0`: a prefix length of 0). Entries are read as
Vault reads them (an address alone is a /32 or /128); an unreadable entry is reported. Lists not known during
preview are reported.
"""

from __future__ import annotations

import ipaddress

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.props import as_list

META = PolicyMeta(
    id="TF-VAULT-APR-004",
    name="vault-approle-auth-role-cidr-bound",
    description="Vault AppRole roles bind secret id logins (and tokens) to their workload's networks, never to any address.",
    severity="high",
    topics=("identity", "authentication", "network", "vault"),
    controls={
        "SOC2": ("CC6.1", "CC6.6"),
        "ISO27001:2022": ("A.5.15", "A.8.5"),
        "GDPR": ("Art.32",),
    },
    remediation="List the workload's subnets in secret_id_bound_cidrs (and token_bound_cidrs) on the AppRole role.",
)


def _problem(cidr: str) -> str | None:
    try:
        network = ipaddress.ip_network(cidr.strip(), strict=False)
    except ValueError:
        return "is not a CIDR block"
    return "covers every address" if network.prefixlen == 0 else None


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props = args.props
    for key, argument in (("secretIdBoundCidrs", "secret_id_bound_cidrs"), ("tokenBoundCidrs", "token_bound_cidrs")):
        if is_unknown(props, key):
            report_violation(
                f"Vault AppRole role '{args.name}': {argument} is not known during preview; list the workload's "
                "subnets literally."
            )
            return
    secret_id_cidrs = [str(cidr) for cidr in as_list(get(props, "secretIdBoundCidrs"))]
    if not secret_id_cidrs:
        report_violation(
            f"Vault AppRole role '{args.name}' lets its secret ids log in from any network; list the workload's "
            "subnets in secret_id_bound_cidrs."
        )
    for key, argument in (("secretIdBoundCidrs", "secret_id_bound_cidrs"), ("tokenBoundCidrs", "token_bound_cidrs")):
        for cidr in as_list(get(props, key)):
            problem = _problem(str(cidr))
            if problem is not None:
                report_violation(
                    f"Vault AppRole role '{args.name}': {argument} entry '{cidr}' {problem}; list the workload's "
                    "subnets instead."
                )


POLICY = resource_policy(META, validate, resource_types=("vault:appRole/authBackendRole:AuthBackendRole",))
