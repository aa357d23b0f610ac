"""vault-policy-no-write-on-system-paths: no Vault ACL policy grants write on `sys/` or `auth/` paths.

`sys/` configures Vault itself (mounts, policies, audit devices, seal, namespaces) and `auth/` configures its
auth methods and roles: create, update, patch, delete or sudo there lets the holder grant itself any access,
switch off auditing or mint tokens. A `vault.Policy` may grant these capabilities only on the self-service
endpoints of Vault's own `default` policy (renewing or revoking one's own token and leases, wrapping, hashing)
or on the exact paths listed in `allowedPaths`. A path pattern that can reach `sys/` or `auth/` (`sys/*`,
`auth/+/role/x`, `s*`, `*`, `+/...`) is judged like the paths it reaches. Only the first path segment is read:
a policy of a parent namespace that names a child's `sys/` (`child/sys/...`) is not seen. Policy text not
known during preview is reported; text with no readable path blocks passes.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.vault import path_capabilities

WRITE_CAPABILITIES = ("create", "update", "patch", "delete", "sudo")
SYSTEM_ROOTS = ("sys", "auth")
SELF_SERVICE_PATHS = (
    "auth/token/lookup-self",
    "auth/token/renew-self",
    "auth/token/revoke-self",
    "sys/capabilities-self",
    "sys/control-group/request",
    "sys/leases/lookup",
    "sys/leases/renew",
    "sys/renew",
    "sys/tools/hash",
    "sys/tools/hash/*",
    "sys/tools/random",
    "sys/tools/random/*",
    "sys/wrapping/lookup",
    "sys/wrapping/unwrap",
    "sys/wrapping/wrap",
)
"""The endpoints Vault's built-in `default` policy opens to every token (plus hashing and random bytes)."""

META = PolicyMeta(
    id="TF-VAULT-POL-002",
    name="vault-policy-no-write-on-system-paths",
    description="No Vault policy grants create, update, patch, delete or sudo on sys/ or auth/ paths beyond self-service.",
    severity="critical",
    topics=("secrets", "least-privilege", "vault"),
    controls={
        "SOC2": ("CC6.1", "CC6.3"),
        "ISO27001:2022": ("A.5.15", "A.8.2"),
        "GDPR": ("Art.32",),
        "NIST-800-53": ("AC-6",),
    },
    remediation=(
        "Configure Vault itself through this pipeline's deploy token, not through application or people policies; "
        "grant read or list on sys/ and auth/ at most."
    ),
    config_schema={
        "allowedPaths": {
            "type": "array",
            "items": {"type": "string"},
            "default": list(SELF_SERVICE_PATHS),
            "description": "Exact policy path patterns under sys/ or auth/ that may carry write capabilities.",
        }
    },
)


def reaches_system(pattern: str) -> bool:
    """True when a policy path pattern matches some path under `sys/` or `auth/`.

    Vault patterns take `+` for one whole segment and `*` only at the end (a prefix); the first segment decides.
    """
    first = pattern.lstrip("/").split("/", 1)[0]
    if first in SYSTEM_ROOTS or first == "+":
        return True
    if first.endswith("*"):  # a prefix glob in the first segment: `*`, `s*`, `au*`
        prefix = first[:-1]
        return any(root.startswith(prefix) for root in SYSTEM_ROOTS)
    return False


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if is_unknown(args.props, "policy"):
        report_violation(
            f"Vault policy '{args.name}': its policy text is not known during preview; write on sys/ or auth/ "
            "cannot be ruled out."
        )
        return
    allowed = {str(path) for path in args.get_config().get("allowedPaths", SELF_SERVICE_PATHS)}
    text = get(args.props, "policy", default="")
    for path, capabilities in path_capabilities(text if isinstance(text, str) else ""):
        granted = [capability for capability in WRITE_CAPABILITIES if capability in capabilities]
        if granted and reaches_system(path) and path not in allowed:
            report_violation(
                f"Vault policy '{args.name}' grants {', '.join(granted)} on '{path}', which reaches Vault's own "
                "configuration (sys/ or auth/); grant read or list there at most."
            )


POLICY = resource_policy(META, validate, resource_types=("vault:index/policy:Policy",))
