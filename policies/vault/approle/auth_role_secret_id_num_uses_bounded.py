"""vault-approle-auth-role-secret-id-num-uses-bounded: AppRole secret ids log in a bounded number of times.

`secret_id_num_uses` unset or 0 lets a secret id of a `vault.approle.AuthBackendRole` log in without limit, so a
copied secret id works as often as the original holder's. It must be at least 1 and at most `maximumUses`
(default 10, ceiling 100); 1 with response wrapping is the pattern HashiCorp recommends. Roles that bind no
secret id are judged by vault-approle-auth-role-secret-id-required instead. A value not known during preview is
reported.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.vault import number

DEFAULT_MAXIMUM_USES = 10
CEILING_USES = 100

META = PolicyMeta(
    id="TF-VAULT-APR-003",
    name="vault-approle-auth-role-secret-id-num-uses-bounded",
    description="Vault AppRole secret ids are good for a bounded number of logins.",
    severity="medium",
    topics=("identity", "authentication", "secrets", "vault"),
    controls={
        "SOC2": ("CC6.1", "CC6.2"),
        "ISO27001:2022": ("A.5.17",),
        "GDPR": ("Art.32",),
    },
    remediation="Set secret_id_num_uses on the AppRole role (1 with response-wrapped delivery, at most 10).",
    config_schema={
        "maximumUses": {
            "type": "integer",
            "minimum": 1,
            "default": DEFAULT_MAXIMUM_USES,
            "description": "Most logins one secret id of an AppRole role may allow.",
        }
    },
    floors={"maximumUses": {"ceiling": CEILING_USES}},
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props = args.props
    if not is_unknown(props, "bindSecretId") and get(props, "bindSecretId") is False:
        return
    maximum = int(args.get_config().get("maximumUses", DEFAULT_MAXIMUM_USES))
    uses, unknown = number(props, "secretIdNumUses")
    if unknown:
        report_violation(
            f"Vault AppRole role '{args.name}': secret_id_num_uses is not known during preview; set it literally to "
            f"at most {maximum}."
        )
    elif not uses:
        report_violation(
            f"Vault AppRole role '{args.name}' issues secret ids good for unlimited logins; set secret_id_num_uses "
            f"to at most {maximum}."
        )
    elif uses > maximum:
        report_violation(
            f"Vault AppRole role '{args.name}' issues secret ids good for {int(uses)} logins, more than {maximum}; "
            f"set secret_id_num_uses to at most {maximum}."
        )


POLICY = resource_policy(META, validate, resource_types=("vault:appRole/authBackendRole:AuthBackendRole",))
