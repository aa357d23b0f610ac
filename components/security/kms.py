"""KMS keyring: one customer-managed key per purpose for a jurisdiction cell, rotation on, aliases by purpose.

Keys are separated by purpose (and data by classification) so that a grant to use one never reaches another:
the log pipeline can encrypt logs but not read records, and a backup operator can restore without decrypting
secrets. Rotation is on for every key; the deletion window defaults to the maximum (30 days).

In prod the keys are multi-Region primaries (`multi_region=True`). The dr stack declares, in the standby
region, one `aws.kms.ReplicaKey` per purpose replicating the prod primary (`primary_key_arns`, read from
the prod stack's `<cell>_key_arns` output): replicas share the primary's key material and key id, so data
replicated to the standby region stays readable there after failover (docs/adr/0002-key-hierarchy.md).
The key policies themselves (administration by key-admin, use by named roles, services under conditions) are
documents built in `components.security.kms_policy`.

Usage::

    keyring = KmsKeyring(
        "uk-keyring",
        KmsKeyringArgs(jurisdiction="UK", region="eu-west-2"),
        opts=pulumi.ResourceOptions(provider=uk_provider),
    )
    data_key_arn = keyring.key_arns["data-confidential"]

    # dr: replicas of prod's multi-Region primaries in the standby region
    replicas = KmsKeyring(
        "uk-keyring",
        KmsKeyringArgs(jurisdiction="UK", region="eu-west-1", primary_key_arns=prod_key_arns),
        opts=pulumi.ResourceOptions(provider=uk_standby_provider),
    )
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.security.kms_policy import LateKeyUser, key_policy, validate_late_user
from components.validation import (
    require_jurisdiction,
    require_non_empty,
    require_range,
    require_region_in_jurisdiction,
)
from domain.naming import key_alias_name

PURPOSES = ("data-confidential", "data-restricted", "logs", "backups", "secrets", "state")
"""Every purpose a cell keeps a key for. `state` encrypts the Pulumi state and secrets provider."""


@dataclass(frozen=True)
class KmsKeyringArgs:
    """Arguments of a cell's keyring."""

    jurisdiction: str
    """Jurisdiction code (UK, EU, US, CA); keys are tagged with it and must live in its allowed regions."""
    region: str
    """Region the keys live in (the provider's region); validated against the jurisdiction."""
    purposes: Sequence[str] = PURPOSES
    """Which keys to create, from PURPOSES."""
    deletion_window_in_days: int = 30
    """Waiting period before a scheduled deletion takes effect: 7..30 days (default the maximum)."""
    rotation_period_in_days: int = 365
    """Automatic rotation period, 90..2560 days (AWS's bounds); rotation is always on."""
    multi_region: bool = False
    """Create multi-region primary keys, so the dr stack can declare replicas in the paired region."""
    admin_role_arns: Sequence[pulumi.Input[str]] = field(default_factory=tuple)
    """The key-admin role(s): administer (never use) the keys, and the only principals that may change a key
    policy (`kms:PutKeyPolicy`); empty means the account's `trustfabric-key-admin` role by name."""
    user_role_arns: Sequence[pulumi.Input[str]] = field(default_factory=tuple)
    """Roles allowed to use the keys for encryption and decryption, within this account only."""
    late_users: Sequence[LateKeyUser] = field(default_factory=tuple)
    """Roles declared after the keyring (ModelOps, dataset stores, replication) that use a key: admitted by exact
    ARN and service (`components.security.kms_policy.LateKeyUser`); each names one of `purposes`."""
    primary_key_arns: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Purpose -> ARN of a multi-Region primary key: when given, the keyring declares replica keys of
    these primaries in `region` (the dr footprint) instead of new keys. Every purpose needs one; each primary
    must be a multi-Region key (`mrk-` id) in another region of the same jurisdiction."""


MULTI_REGION_KEY_ARN = re.compile(
    r"^arn:aws[a-z-]*:kms:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):key/mrk-[0-9a-f]{32}$"
)
"""A multi-Region key's ARN: its key id starts with `mrk-`, the same in every region it is replicated to."""


def validate_primary_key_arn(purpose: str, arn: str, jurisdiction: str, region: str) -> str:
    """Check the primary key ARN a replica copies; returns it unchanged, or raises ValueError naming it."""
    match = MULTI_REGION_KEY_ARN.match(arn)
    if match is None:
        raise ValueError(
            f"KmsKeyring: primary_key_arns[{purpose!r}]: {arn!r} is not a multi-Region key ARN; "
            "allowed: arn:aws:kms:<region>:<account>:key/mrk-<32 hex>"
        )
    require_region_in_jurisdiction("KmsKeyring", f"primary_key_arns[{purpose!r}]", match.group("region"), jurisdiction)
    if match.group("region") == region:
        raise ValueError(
            f"KmsKeyring: primary_key_arns[{purpose!r}]: the primary is in {region}, the replica's region; "
            "allowed: another region of the jurisdiction"
        )
    return arn


def replica_key_arn(primary_key_arn: str, region: str) -> str:
    """The ARN a replica of `primary_key_arn` has in `region`: same account and key id, another region."""
    match = MULTI_REGION_KEY_ARN.match(primary_key_arn)
    if match is None:
        raise ValueError(f"KmsKeyring: {primary_key_arn!r} is not a multi-Region key ARN")
    return primary_key_arn.replace(f":kms:{match.group('region')}:", f":kms:{region}:", 1)


def validate_args(args: KmsKeyringArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_jurisdiction("KmsKeyring", "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction("KmsKeyring", "region", args.region, args.jurisdiction)
    require_non_empty("KmsKeyring", "purposes", args.purposes)
    for purpose in args.purposes:
        if purpose not in PURPOSES:
            raise ValueError(f"KmsKeyring: purposes: unknown purpose {purpose!r}; allowed: {', '.join(PURPOSES)}")
    require_range("KmsKeyring", "deletion_window_in_days", args.deletion_window_in_days, 7, 30)
    require_range("KmsKeyring", "rotation_period_in_days", args.rotation_period_in_days, 90, 2560)
    for user in args.late_users:
        validate_late_user(user)
        if user.purpose not in args.purposes:
            raise ValueError(
                f"KmsKeyring: late_users[{user.sid}]: purpose {user.purpose!r} has no key; "
                f"allowed: {', '.join(args.purposes)}"
            )
    if args.primary_key_arns:
        missing = [purpose for purpose in args.purposes if purpose not in args.primary_key_arns]
        if missing:
            raise ValueError(
                f"KmsKeyring: primary_key_arns: no primary for {', '.join(missing)}; "
                f"allowed: one ARN for each of {', '.join(args.purposes)}"
            )
        extra = [purpose for purpose in args.primary_key_arns if purpose not in args.purposes]
        if extra:
            raise ValueError(
                f"KmsKeyring: primary_key_arns: {', '.join(extra)} not in purposes; allowed: {', '.join(args.purposes)}"
            )
        for purpose, arn in args.primary_key_arns.items():
            if isinstance(arn, str):
                validate_primary_key_arn(purpose, arn, args.jurisdiction, args.region)


class KmsKeyring(pulumi.ComponentResource):
    """Customer-managed keys per purpose, with rotation, a long deletion window and aliases.

    With `primary_key_arns` the keys are replicas (`aws.kms.ReplicaKey`) of another region's multi-Region
    primaries; rotation follows the primary. Either way `key_arns[purpose]` is the key to use in this region.
    """

    key_arns: dict[str, pulumi.Output[str]]
    key_ids: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: KmsKeyringArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:security:KmsKeyring", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self))
        self.key_arns = {}
        self.key_ids = {}
        admin_count = len(args.admin_role_arns)
        for purpose in args.purposes:
            roles = (*args.admin_role_arns, *args.user_role_arns)

            def render(values: list[str], purpose: str = purpose) -> str:
                account, principals = values[0], values[1:]
                return key_policy(
                    account,
                    args.region,
                    purpose,
                    principals[:admin_count],
                    principals[admin_count:],
                    late_users=args.late_users,
                )

            policy = pulumi.Output.all(identity.account_id, *roles).apply(render)
            description = f"{args.jurisdiction} {purpose} key ({args.region})"
            key: aws.kms.Key | aws.kms.ReplicaKey
            if args.primary_key_arns:

                def checked(arn: str, purpose: str = purpose) -> str:
                    return validate_primary_key_arn(purpose, arn, args.jurisdiction, args.region)

                primary = pulumi.Output.from_input(args.primary_key_arns[purpose]).apply(checked)
                key = aws.kms.ReplicaKey(
                    f"{name}-{purpose}-replica",
                    description=f"{description}, replica",
                    primary_key_arn=primary,
                    deletion_window_in_days=args.deletion_window_in_days,
                    enabled=True,
                    policy=policy,
                    tags={"purpose": purpose},
                    opts=child,
                )
            else:
                key = aws.kms.Key(
                    f"{name}-{purpose}",
                    description=description,
                    enable_key_rotation=True,
                    rotation_period_in_days=args.rotation_period_in_days,
                    deletion_window_in_days=args.deletion_window_in_days,
                    multi_region=args.multi_region,
                    key_usage="ENCRYPT_DECRYPT",
                    customer_master_key_spec="SYMMETRIC_DEFAULT",
                    policy=policy,
                    tags={"purpose": purpose},
                    opts=child,
                )
            aws.kms.Alias(
                f"{name}-{purpose}-alias",
                name=key_alias_name(args.jurisdiction, purpose),
                target_key_id=key.key_id,
                opts=child,
            )
            self.key_arns[purpose] = key.arn
            self.key_ids[purpose] = key.key_id
        self.register_outputs({"key_arns": self.key_arns})
