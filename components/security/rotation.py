"""Secret rotation of a cell: the functions Secrets Manager calls to rotate the cell's secrets, in its network.

One function of the repository per kind of secret, each declared the same way: its own least-privilege role
(its secrets only while they name it as their rotation function, a random password or key, the secrets key
through Secrets Manager and Lambda only, its log group, its network interfaces) carrying the cell's permission
boundary, its environment encrypted with the cell's secrets key, its log group under the logs key
(`log_retention_days`), and one invoke permission per secret for `secretsmanager.amazonaws.com`, bound to that
secret's ARN and the account. The gate's Lambda, IAM and logs policies (and checkov) judge them like any function.

- **database credentials**: `functions/db_credential_rotation` (PostgreSQL, single user: the application role
  rotates its own password over TLS), bundled with pg8000 and its pure-Python dependencies from the installed
  distributions (`components.security.rotation_bundle`).
- **API keys**: `functions/api_key_rotation` (boto3 only, which Lambda provides).

Both run in the cell's private subnets behind a security group with no ingress and egress only to the VPC's
CIDR: HTTPS to the Secrets Manager interface endpoint this component declares (private DNS, so the regional
endpoint name resolves to it; its policy admits this account's principals only) and, for the database
function, the database port. The cell network has no internet or NAT gateway: this endpoint is the functions'
only way to Secrets Manager.

The secrets themselves are declared by `components.security.secrets.CellSecrets`, pointed at `function_arns`
(whose values wait for the functions and their invoke permissions). docs/adr/0014-secret-rotation-functions.md.

Usage::

    rotation = SecretRotation(
        "uk-rotation",
        SecretRotationArgs(
            stack="prod", cell="uk", jurisdiction="UK", region="eu-west-2",
            secrets_kms_key_arn=key_arns["secrets"], logs_kms_key_arn=key_arns["logs"],
            permissions_boundary_arn=boundary_arn,
            vpc_id=network.vpc_id, subnet_ids=network.subnet_ids, vpc_cidr=network.vpc_cidr,
            secret_names={"database": ("trustfabric/prod/uk/ledger-db",),
                          "api-key": ("trustfabric/prod/uk/model-gateway",)},
        ),
        opts=pulumi.ResourceOptions(parent=cell, provider=uk_provider),
    )
    rotation.function_arns["api-key"]
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.network.cell_network import require_vpc_cidr
from components.security.rotation_bundle import FUNCTIONS_DIR, bundle_archive
from components.security.rotation_documents import (
    KINDS,
    endpoint_policy,
    function_arn,
    function_name,
    log_group_name,
    role_policy,
    secret_arn_pattern,
)
from components.trust import assume_role_policy
from components.validation import require_jurisdiction, require_range, require_region_in_jurisdiction

EXCLUDE_CHARACTERS = ":/@\"'\\"
"""Characters a generated database password never contains (they break connection strings)."""
API_KEY_CODE = FUNCTIONS_DIR / "api_key_rotation"
"""The API-key function's directory: its whole archive."""
DATABASE_CODE = FUNCTIONS_DIR / "db_credential_rotation"
"""The database function's directory; its archive adds `DATABASE_DISTRIBUTIONS` and what they require."""
DATABASE_DISTRIBUTIONS = ("pg8000",)
"""Pure-Python distributions the database function imports (Lambda's runtime has boto3, not these)."""
RUNTIME = "python3.12"
HTTPS = 443


@dataclass(frozen=True)
class SecretRotationArgs:
    """Arguments of a cell's rotation functions."""

    stack: str
    """The stack (`prod`, `dr`, `dev`): part of every name."""
    cell: str
    """The cell's name prefix, e.g. `uk`."""
    jurisdiction: str
    """Jurisdiction code (UK, EU, US, CA)."""
    region: str
    """The cell's region (the provider's)."""
    secrets_kms_key_arn: pulumi.Input[str]
    """The cell's secrets key: the secrets' key, which the functions decrypt with, and the functions' environment."""
    logs_kms_key_arn: pulumi.Input[str]
    """The cell's logs key: the functions' log groups."""
    permissions_boundary_arn: pulumi.Input[str]
    """The cell's permission boundary, carried by every function's role."""
    vpc_id: pulumi.Input[str]
    """The cell network's VPC."""
    subnet_ids: Sequence[pulumi.Input[str]]
    """Its private subnets (two or more): the functions and the Secrets Manager endpoint live there."""
    vpc_cidr: str
    """Its CIDR: the only destination the functions' security groups let them reach."""
    secret_names: Mapping[str, Sequence[str]]
    """Full secret names to rotate, by kind (`KINDS`); a function is declared for each kind with secrets."""
    database_port: int = 5432
    """Port of the database the database function logs into."""
    log_retention_days: int = 400
    """Retention of the functions' logs: 365..3653 days."""
    api_key_length: int = 48
    """Characters of a generated API key: 32..128."""
    password_length: int = 32
    """Characters of a generated database password: 24..128."""
    timeout_seconds: int = 30
    """Longest run of one rotation step: 5..300 seconds."""


def validate_args(args: SecretRotationArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_jurisdiction("SecretRotation", "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction("SecretRotation", "region", args.region, args.jurisdiction)
    require_vpc_cidr("SecretRotation", args.vpc_cidr)
    if len(args.subnet_ids) < 2:
        raise ValueError(
            f"SecretRotation: subnet_ids: {len(args.subnet_ids)} given; allowed: 2 or more private subnets "
            "in different availability zones"
        )
    for kind in args.secret_names:
        if kind not in KINDS:
            raise ValueError(f"SecretRotation: secret_names: unknown kind {kind!r}; allowed: {', '.join(KINDS)}")
    if not any(args.secret_names.values()):
        raise ValueError("SecretRotation: secret_names: must name at least one secret")
    require_range("SecretRotation", "database_port", args.database_port, 1024, 65535)
    require_range("SecretRotation", "log_retention_days", args.log_retention_days, 365, 3653)
    require_range("SecretRotation", "api_key_length", args.api_key_length, 32, 128)
    require_range("SecretRotation", "password_length", args.password_length, 24, 128)
    require_range("SecretRotation", "timeout_seconds", args.timeout_seconds, 5, 300)


def code_path() -> str:
    """The API-key function's directory relative to the program's working directory, as Pulumi resolves
    an archive's path (a snapshot then names the same path on every machine)."""
    return os.path.relpath(API_KEY_CODE, os.getcwd())


class SecretRotation(pulumi.ComponentResource):
    """The rotation functions of a cell's secrets, in its private network (see the module docstring)."""

    function_arns: dict[str, pulumi.Output[str]]
    """Function ARN by kind, resolved once the function and its invoke permissions exist."""

    def __init__(self, name: str, args: SecretRotationArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:security:SecretRotation", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        prefix = f"trustfabric-{args.stack}-{args.cell}"

        endpoint_group = aws.ec2.SecurityGroup(
            f"{name}-endpoint-sg",
            name=f"{prefix}-secretsmanager-endpoint",
            description=f"Secrets Manager endpoint: HTTPS from inside the {args.jurisdiction} cell VPC only",
            vpc_id=args.vpc_id,
            ingress=[
                aws.ec2.SecurityGroupIngressArgs(
                    description="HTTPS from the VPC",
                    protocol="tcp",
                    from_port=HTTPS,
                    to_port=HTTPS,
                    cidr_blocks=[args.vpc_cidr],
                )
            ],
            opts=child,
        )
        endpoint = aws.ec2.VpcEndpoint(
            f"{name}-secretsmanager-endpoint",
            vpc_id=args.vpc_id,
            service_name=f"com.amazonaws.{args.region}.secretsmanager",
            vpc_endpoint_type="Interface",
            private_dns_enabled=True,
            subnet_ids=list(args.subnet_ids),
            security_group_ids=[endpoint_group.id],
            policy=account_id.apply(endpoint_policy),
            opts=child,
        )

        self.function_arns = {}
        for kind in KINDS:
            secrets = tuple(args.secret_names.get(kind, ()))
            if not secrets:
                continue
            function = function_name(args.stack, args.cell, kind)
            egress = [
                aws.ec2.SecurityGroupEgressArgs(
                    description="Secrets Manager endpoint",
                    protocol="tcp",
                    from_port=HTTPS,
                    to_port=HTTPS,
                    cidr_blocks=[args.vpc_cidr],
                )
            ]
            if kind == "database":
                egress.append(
                    aws.ec2.SecurityGroupEgressArgs(
                        description="The database",
                        protocol="tcp",
                        from_port=args.database_port,
                        to_port=args.database_port,
                        cidr_blocks=[args.vpc_cidr],
                    )
                )
            group = aws.ec2.SecurityGroup(
                f"{name}-{kind}-sg",
                name=function,
                description=f"Rotation of {kind} secrets: no ingress; egress inside the VPC only",
                vpc_id=args.vpc_id,
                egress=egress,
                opts=child,
            )
            log_group = aws.cloudwatch.LogGroup(
                f"{name}-{kind}-logs",
                name=log_group_name(function),
                kms_key_id=args.logs_kms_key_arn,
                retention_in_days=args.log_retention_days,
                opts=child,
            )
            self.function_arns[kind] = self._function(
                name, args, kind, function, secrets, group, log_group, account_id, endpoint
            )
        self.register_outputs({"function_arns": self.function_arns})

    def _function(
        self,
        name: str,
        args: SecretRotationArgs,
        kind: str,
        function: str,
        secrets: Sequence[str],
        group: aws.ec2.SecurityGroup,
        log_group: aws.cloudwatch.LogGroup,
        account_id: pulumi.Output[str],
        endpoint: aws.ec2.VpcEndpoint,
    ) -> pulumi.Output[str]:
        """The function of one kind, its role and its invoke permissions; its ARN once they all exist."""
        child = pulumi.ResourceOptions(parent=self)
        code = _code(kind, args)
        role = aws.iam.Role(
            f"{name}-{kind}-role",
            name=function,
            description=f"Rotation of the {args.jurisdiction} cell's {code.what} in {args.region}",
            assume_role_policy=account_id.apply(lambda account: assume_role_policy("lambda.amazonaws.com", account)),
            permissions_boundary=args.permissions_boundary_arn,
            opts=child,
        )
        policy = aws.iam.RolePolicy(
            f"{name}-{kind}-policy",
            name=code.policy_name,
            role=role.id,
            policy=pulumi.Output.all(account_id, args.secrets_kms_key_arn, log_group.name).apply(
                lambda values: role_policy(
                    values[0],
                    args.region,
                    function,
                    secrets,
                    str(values[1]),
                    f"arn:aws:logs:{args.region}:{values[0]}:log-group:{values[2]}",
                )
            ),
            opts=child,
        )
        lambda_function = aws.lambda_.Function(
            f"{name}-{kind}",
            name=function,
            description=f"Rotates the {args.jurisdiction} cell's {code.what} (createSecret .. finishSecret)",
            role=role.arn,
            runtime=RUNTIME,
            handler="handler.lambda_handler",
            code=code.archive,
            timeout=args.timeout_seconds,
            memory_size=256,
            # Secrets Manager runs one step at a time per secret: a few at once is all rotation ever needs.
            reserved_concurrent_executions=len(secrets) + 1,
            kms_key_arn=args.secrets_kms_key_arn,
            environment=aws.lambda_.FunctionEnvironmentArgs(
                variables={
                    "SECRETS_MANAGER_ENDPOINT": f"https://secretsmanager.{args.region}.amazonaws.com",
                    **code.variables,
                }
            ),
            vpc_config=aws.lambda_.FunctionVpcConfigArgs(
                subnet_ids=list(args.subnet_ids), security_group_ids=[group.id]
            ),
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(log_format="JSON", log_group=log_group.name),
            tracing_config=aws.lambda_.FunctionTracingConfigArgs(mode="PassThrough"),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy, log_group, endpoint]),
        )
        permissions = [
            aws.lambda_.Permission(
                f"{name}-{kind}-invoke-{secret.rsplit('/', 1)[-1]}",
                action="lambda:InvokeFunction",
                function=lambda_function.name,
                principal="secretsmanager.amazonaws.com",
                source_account=account_id,
                source_arn=account_id.apply(functools.partial(secret_arn_pattern, args.region, secret_name=secret)),
                opts=child,
            )
            for secret in secrets
        ]
        return pulumi.Output.all(account_id, lambda_function.id, *(permission.id for permission in permissions)).apply(
            lambda values: function_arn(args.region, values[0], function)
        )


@dataclass(frozen=True)
class _Code:
    """What differs between the kinds' functions."""

    what: str
    """What the function rotates, in its role's and its own description."""
    policy_name: str
    archive: pulumi.Archive
    variables: dict[str, str]
    """Its environment besides the Secrets Manager endpoint."""


def _code(kind: str, args: SecretRotationArgs) -> _Code:
    if kind == "database":
        return _Code(
            what="database credentials",
            policy_name="rotate-database-credentials",
            archive=bundle_archive(DATABASE_CODE, DATABASE_DISTRIBUTIONS),
            variables={"PASSWORD_LENGTH": str(args.password_length), "EXCLUDE_CHARACTERS": EXCLUDE_CHARACTERS},
        )
    return _Code(
        what="API keys",
        policy_name="rotate-api-keys",
        archive=pulumi.FileArchive(code_path()),
        variables={"API_KEY_LENGTH": str(args.api_key_length)},
    )
