"""Secrets of a cell: Secrets Manager secrets under the cell's `secrets` key, rotated, replicated only in-pair.

No secret value is ever declared here: the secret is created empty and the rotation function writes (and keeps
rewriting) its value, so nothing sensitive reaches the program, its config or the state. Each secret rotates
with the function of its kind (`components.security.rotation`): an API key from its first rotation on, at once;
database credentials from the next scheduled window, once the database bootstrap has written the user's
connection details (runbooks/secret-rotation-failed.md). A replica may go only
to the cell's paired region, where it is encrypted under the same alias (the multi-Region replica of the
secrets key that the dr stack declares there).

Usage::

    secrets = CellSecrets(
        "uk-secrets",
        CellSecretsArgs(
            jurisdiction="UK", region="eu-west-2", paired_region="eu-west-1",
            kms_key_arn=keyring.key_arns["secrets"],
            rotation_lambda_arns={"database": rotation.function_arns["database"]},
            secrets=(SecretSpec("ledger-db", "Ledger database credentials", rotation="database"),),
            replica_regions=("eu-west-1",),
        ),
        opts=pulumi.ResourceOptions(provider=uk_provider),
    )
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.security.rotation_documents import KINDS as ROTATION_KINDS
from components.validation import (
    require_jurisdiction,
    require_non_empty,
    require_range,
    require_region_in_jurisdiction,
)
from domain.naming import key_alias_name

SECRET_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
LAMBDA_ARN = re.compile(r"^arn:aws[a-z-]*:lambda:(?P<region>[a-z0-9-]+):\d{12}:function:[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class SecretSpec:
    """One secret of the cell."""

    name: str
    """Short name (lowercase, digits, hyphens); the secret is `trustfabric/<stack>/<cell>/<name>`."""
    description: str
    """What the secret is for, for the reviewer and the on-call."""
    rotation_days: int = 30
    """Days between rotations, 1..90."""
    rotation: str = "api-key"
    """What the secret holds, which picks its rotation function: `api-key` or `database` (credentials)."""


@dataclass(frozen=True)
class CellSecretsArgs:
    """Arguments of a cell's secrets."""

    jurisdiction: str
    """Jurisdiction code; the secrets and their replicas must stay in its allowed regions."""
    region: str
    """The cell's region (the provider's)."""
    paired_region: str
    """The cell's paired region: the only region a replica may go to."""
    kms_key_arn: pulumi.Input[str]
    """The cell's `secrets` KMS key."""
    rotation_lambda_arns: Mapping[str, pulumi.Input[str]]
    """Rotation function by kind (`SecretSpec.rotation`), in the cell's region; every listed kind needs one."""
    secrets: Sequence[SecretSpec]
    """The secrets to declare (at least one)."""
    name_prefix: str = "trustfabric"
    """Path prefix of every secret's name, e.g. `trustfabric/prod/uk`."""
    replica_regions: Sequence[str] = field(default_factory=tuple)
    """Regions to replicate into: empty, or the paired region only."""
    recovery_window_in_days: int = 30
    """Days a deleted secret stays recoverable, 7..30 (default the maximum)."""


def validate_args(args: CellSecretsArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_jurisdiction("CellSecrets", "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction("CellSecrets", "region", args.region, args.jurisdiction)
    require_region_in_jurisdiction("CellSecrets", "paired_region", args.paired_region, args.jurisdiction)
    if args.paired_region == args.region:
        raise ValueError(
            f"CellSecrets: paired_region: {args.paired_region!r} is the cell's own region; "
            "allowed: the other region of the pair"
        )
    require_non_empty("CellSecrets", "secrets", args.secrets)
    require_range("CellSecrets", "recovery_window_in_days", args.recovery_window_in_days, 7, 30)
    seen: set[str] = set()
    for spec in args.secrets:
        if not SECRET_NAME.match(spec.name):
            raise ValueError(
                f"CellSecrets: secrets: name {spec.name!r} is not allowed; "
                "allowed: lowercase letters, digits and hyphens, 1..63 characters"
            )
        if spec.name in seen:
            raise ValueError(f"CellSecrets: secrets: name {spec.name!r} is listed twice")
        seen.add(spec.name)
        require_range("CellSecrets", f"secrets[{spec.name!r}].rotation_days", spec.rotation_days, 1, 90)
    for region in args.replica_regions:
        require_region_in_jurisdiction("CellSecrets", "replica_regions", region, args.jurisdiction)
        if region != args.paired_region:
            raise ValueError(
                f"CellSecrets: replica_regions: region {region!r} is not the cell's paired region; "
                f"allowed: {args.paired_region}"
            )
    for spec in args.secrets:
        if spec.rotation not in ROTATION_KINDS:
            raise ValueError(
                f"CellSecrets: secrets[{spec.name!r}].rotation: {spec.rotation!r} is not allowed; "
                f"allowed: {', '.join(ROTATION_KINDS)}"
            )
        if spec.rotation not in args.rotation_lambda_arns:
            raise ValueError(
                f"CellSecrets: rotation_lambda_arns: no function for {spec.rotation!r} (secret {spec.name!r}); "
                f"allowed: a Lambda function ARN in {args.region} for each kind listed"
            )
    for kind, arn in args.rotation_lambda_arns.items():
        if isinstance(arn, str):
            match = LAMBDA_ARN.match(arn)
            if match is None or match.group("region") != args.region:
                raise ValueError(
                    f"CellSecrets: rotation_lambda_arns[{kind!r}]: {arn!r} is not allowed; "
                    f"allowed: a Lambda function ARN in {args.region}"
                )


class CellSecrets(pulumi.ComponentResource):
    """Secrets Manager secrets: customer-managed key, rotation, in-pair replicas, long recovery window."""

    secret_arns: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: CellSecretsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:security:CellSecrets", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.secret_arns = {}
        replica_key = key_alias_name(args.jurisdiction, "secrets")
        for spec in args.secrets:
            secret = aws.secretsmanager.Secret(
                f"{name}-{spec.name}",
                name=f"{args.name_prefix}/{spec.name}",
                description=spec.description,
                kms_key_id=args.kms_key_arn,
                recovery_window_in_days=args.recovery_window_in_days,
                replicas=[
                    aws.secretsmanager.SecretReplicaArgs(region=region, kms_key_id=replica_key)
                    for region in args.replica_regions
                ],
                force_overwrite_replica_secret=False,
                tags={"rotation-days": str(spec.rotation_days)},
                opts=child,
            )
            aws.secretsmanager.SecretRotation(
                f"{name}-{spec.name}-rotation",
                secret_id=secret.id,
                rotation_lambda_arn=args.rotation_lambda_arns[spec.rotation],
                rotation_rules=aws.secretsmanager.SecretRotationRotationRulesArgs(
                    automatically_after_days=spec.rotation_days
                ),
                # Credentials rotate once the database bootstrap has seeded them; an API key is generated at once.
                rotate_immediately=spec.rotation == "api-key",
                opts=child,
            )
            self.secret_arns[spec.name] = secret.arn
        self.register_outputs({"secret_arns": self.secret_arns})
