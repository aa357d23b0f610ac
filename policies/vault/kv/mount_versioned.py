"""vault-kv-mount-versioned: KV secrets engines keep versions of every secret (KV version 2).

KV version 1 overwrites a secret in place: a bad write or a delete loses the previous value for good, and no
metadata records who changed it when. A `vault.Mount` of type `kv` must set `options.version` to `2` (type
`kv-v2` is version 2 by itself); `generic`, the old name of KV version 1, is refused. Version 2 always keeps
a bounded history (`max_versions` 0 means Vault's default of 10), so there is no unbounded setting to judge.
A mount type or options not known during preview are reported.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy

META = PolicyMeta(
    id="TF-VAULT-KV-001",
    name="vault-kv-mount-versioned",
    description="Vault KV secrets engines are mounted as KV version 2, which keeps versions of every secret.",
    severity="medium",
    topics=("secrets", "resilience", "vault"),
    controls={
        "SOC2": ("CC6.1", "A1.2"),
        "ISO27001:2022": ("A.5.17", "A.8.13"),
        "GDPR": ("Art.32(1)(c)",),
        "NIST-800-53": ("CP-9", "SC-28"),
    },
    remediation='Mount KV with type="kv" and options={"version": "2"} (or type="kv-v2").',
)

KV_TYPES = ("kv", "generic")


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props = args.props
    if is_unknown(props, "type"):
        report_violation(
            f"Vault mount '{args.name}': its type is not known during preview; a KV version 1 mount cannot be ruled "
            "out; set type literally."
        )
        return
    mount_type = str(get(props, "type", default="")).strip().lower()
    if mount_type == "generic":
        report_violation(
            f"Vault mount '{args.name}' is a generic (KV version 1) mount that keeps no versions; mount it with "
            'type="kv" and options={"version": "2"}.'
        )
        return
    if mount_type != "kv":
        return
    if is_unknown(props, "options", "version"):
        report_violation(
            f"Vault KV mount '{args.name}': options.version is not known during preview; set it to \"2\" literally."
        )
        return
    options = get(props, "options", default={})
    version = str(options.get("version", "1")).strip() if hasattr(options, "get") else "1"
    if version != "2":
        report_violation(
            f"Vault KV mount '{args.name}' is KV version {version}, which keeps no versions of its secrets; set "
            'options={"version": "2"}.'
        )


POLICY = resource_policy(META, validate, resource_types=("vault:index/mount:Mount",))
