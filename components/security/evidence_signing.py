"""The evidence signing key: an asymmetric KMS key (SIGN_VERIFY) that signs the audit evidence manifests.

`trustfabric evidence --kms-key-id <alias ARN>` signs a package's manifest with it through KMS `Sign`; an auditor
verifies through KMS `Verify` or offline with the public key from `GetPublicKey` (`trustfabric evidence
public-key`), kept with their own trusted material. The private key never leaves KMS.

The key policy lets only the signer roles (the deploy/CI role) sign, and denies `kms:Sign` to every other
principal; auditor roles may read the public key and verify, never sign; the key-admin roles administer it
(`components.security.kms_policy.key_admin_statements`: administration without use, and only they may change
the policy). No statement delegates to IAM policies or names the account root.

Rotation: AWS KMS cannot rotate asymmetric keys (automatic and on-demand rotation are for symmetric keys
only), so `enable_key_rotation` is False. `aws-kms-key-rotation-enabled` judges only SYMMETRIC_DEFAULT keys and
leaves this one alone. To rotate, declare a new key, point the alias at it, and keep the old key enabled (never
scheduled for deletion) while packages it signed must still verify through KMS; its saved public key keeps them
verifiable offline.

Usage::

    EvidenceSigningKey(
        "uk-evidence-signing",
        EvidenceSigningKeyArgs.for_roles("UK", "eu-west-2", iam.role_arns),   # deploy signs, auditor verifies
        opts=pulumi.ResourceOptions(provider=uk_provider),
    )
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.documents import policy_document
from components.security.kms_policy import key_admin_statements
from components.validation import (
    require_choice,
    require_jurisdiction,
    require_non_empty,
    require_range,
    require_region_in_jurisdiction,
)

KEY_SPECS = ("ECC_NIST_P256", "RSA_2048", "RSA_3072", "RSA_4096")
"""Key specs the evidence tooling signs with (trustfabric.evidence.kms.ALGORITHMS)."""
ALIAS = "alias/trustfabric/evidence-signing"
SIGN_ACTIONS = ("kms:Sign", "kms:GetPublicKey", "kms:DescribeKey")
VERIFY_ACTIONS = ("kms:GetPublicKey", "kms:Verify", "kms:DescribeKey")


@dataclass(frozen=True)
class EvidenceSigningKeyArgs:
    """Arguments of the evidence signing key."""

    jurisdiction: str
    """Jurisdiction of the cell that holds the key (UK, EU, US, CA); tagged with it."""
    region: str
    """Region the key lives in (the provider's region); validated against the jurisdiction."""
    signer_role_arns: Sequence[pulumi.Input[str]]
    """The only roles that may sign (the deploy/CI role that runs `trustfabric evidence`); at least one."""
    auditor_role_arns: Sequence[pulumi.Input[str]] = field(default_factory=tuple)
    """Roles that may read the public key and verify (`GetPublicKey`, `Verify`), never sign."""
    admin_role_arns: Sequence[pulumi.Input[str]] = field(default_factory=tuple)
    """Key-admin roles: administer, never use; empty means the account's `trustfabric-key-admin` role by name."""
    key_spec: str = "ECC_NIST_P256"
    """One of KEY_SPECS: ECC_NIST_P256 signs with ECDSA_SHA_256; RSA keys with RSASSA_PSS_SHA_256."""
    deletion_window_in_days: int = 30
    """Waiting period before a scheduled deletion takes effect: 7..30 days (default the maximum)."""
    alias_name: str = ALIAS
    """The alias the evidence command names (`--kms-key-id arn:aws:kms:<region>:<account>:<alias>`)."""

    @classmethod
    def for_roles(
        cls, jurisdiction: str, region: str, role_arns: Mapping[str, pulumi.Input[str]], **overrides: Any
    ) -> EvidenceSigningKeyArgs:
        """From an IAM baseline's role ARNs: `deploy` signs, `auditor` verifies, `key-admin` administers."""
        return cls(
            jurisdiction=jurisdiction,
            region=region,
            signer_role_arns=(role_arns["deploy"],),
            auditor_role_arns=(role_arns["auditor"],),
            admin_role_arns=(role_arns["key-admin"],),
            **overrides,
        )


def validate_args(args: EvidenceSigningKeyArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_jurisdiction("EvidenceSigningKey", "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction("EvidenceSigningKey", "region", args.region, args.jurisdiction)
    require_non_empty("EvidenceSigningKey", "signer_role_arns", args.signer_role_arns)
    require_choice("EvidenceSigningKey", "key_spec", args.key_spec, KEY_SPECS)
    require_range("EvidenceSigningKey", "deletion_window_in_days", args.deletion_window_in_days, 7, 30)
    if not args.alias_name.startswith("alias/") or args.alias_name.startswith("alias/aws/"):
        raise ValueError(
            f"EvidenceSigningKey: alias_name: {args.alias_name!r}; allowed: alias/<name>, not under alias/aws/"
        )


def signing_key_policy(
    account_id: str, admin_role_arns: Sequence[str], signer_role_arns: Sequence[str], auditor_role_arns: Sequence[str]
) -> str:
    """The key policy: administration by key-admin, signing by the signer roles alone, verifying by auditors."""
    admins = list(admin_role_arns) or [f"arn:aws:iam::{account_id}:role/trustfabric-key-admin"]
    statements: list[dict[str, Any]] = key_admin_statements(admins)
    statements.append(
        {
            "Sid": "SignBySignerRolesOnly",
            "Effect": "Allow",
            "Principal": {"AWS": list(signer_role_arns)},
            "Action": list(SIGN_ACTIONS),
            "Resource": "*",
            "Condition": {"StringEquals": {"kms:CallerAccount": account_id}},
        }
    )
    statements.append(
        {
            "Sid": "DenySignExceptSignerRoles",
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": "kms:Sign",
            "Resource": "*",
            "Condition": {"ArnNotEquals": {"aws:PrincipalArn": list(signer_role_arns)}},
        }
    )
    if auditor_role_arns:
        statements.append(
            {
                "Sid": "PublicKeyAndVerifyForAuditors",
                "Effect": "Allow",
                "Principal": {"AWS": list(auditor_role_arns)},
                "Action": list(VERIFY_ACTIONS),
                "Resource": "*",
            }
        )
    return policy_document(statements)


class EvidenceSigningKey(pulumi.ComponentResource):
    """An asymmetric SIGN_VERIFY KMS key and its alias, for signing evidence manifests."""

    key_arn: pulumi.Output[str]
    alias_name: str

    def __init__(self, name: str, args: EvidenceSigningKeyArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:security:EvidenceSigningKey", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self))
        admin_count, signer_count = len(args.admin_role_arns), len(args.signer_role_arns)

        def render(values: list[str]) -> str:
            account, roles = values[0], values[1:]
            admins, rest = roles[:admin_count], roles[admin_count:]
            return signing_key_policy(account, admins, rest[:signer_count], rest[signer_count:])

        policy = pulumi.Output.all(
            identity.account_id, *args.admin_role_arns, *args.signer_role_arns, *args.auditor_role_arns
        ).apply(render)
        key = aws.kms.Key(
            f"{name}-key",
            description=f"Signs the audit evidence manifests ({args.jurisdiction}, {args.region})",
            key_usage="SIGN_VERIFY",
            customer_master_key_spec=args.key_spec,
            # AWS KMS cannot rotate asymmetric keys: rotation is a new key behind the alias (module docstring).
            enable_key_rotation=False,
            deletion_window_in_days=args.deletion_window_in_days,
            policy=policy,
            tags={"purpose": "evidence-signing"},
            opts=child,
        )
        aws.kms.Alias(f"{name}-alias", name=args.alias_name, target_key_id=key.key_id, opts=child)
        self.key_arn = key.arn
        self.alias_name = args.alias_name
        self.register_outputs({"key_arn": self.key_arn, "alias_name": self.alias_name})
