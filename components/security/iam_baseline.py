"""IAM baseline of a cell: a permission boundary on every role, named human and service roles, no IAM users.

Each cell gets its own roles, named `trustfabric-<stack>-<cell>-<role>` (IAM is global, so the stack and cell
in the name keep prod and dr, which share the account their multi-Region keys need, apart). Per-cell roles keep
jurisdictions apart: the UK incident responder's role is not in the EU keys' policies. Account singletons are
flags the stack sets for one cell only: the password policy (`manage_password_policy`, the primary stack's
first cell) and the regional IAM Access Analyzer (`create_access_analyzer`, the first cell in each region).

Roles:

==================  =========================================================================================
deploy              the pipeline; may create roles only under the boundary, pass only this cell's roles
read-only           ReadOnlyAccess
auditor             read-only + SecurityAudit + read of the cell's audit (evidence) buckets
incident-responder  read-only + SecurityAudit + the containment actions of runbooks/secret-leak.md
break-glass         administrator under the boundary; MFA required, one-hour sessions, every use alerted
key-admin           administers (never uses) the cell's KMS keys; MFA required
cloudtrail-logs     CloudTrail's delivery role into the cell's CloudWatch log group
config-recorder     AWS Config's recorder and delivery role
vault-broker        what Vault's AWS secrets engine assumes (web identity, no access keys) to vend roles
==================  =========================================================================================

No IAM users, groups or access keys are declared: people arrive through IAM Identity Center (permission sets per
job function under this boundary, `components/identity/identity_center.py`) or through Vault's short-lived
credentials.

Usage::

    baseline = IamBaseline(
        "uk-iam",
        IamBaselineArgs(stack="prod", cell="uk", jurisdiction="UK", region="eu-west-2"),
        opts=pulumi.ResourceOptions(provider=uk_provider),
    )
    key_admin_arn = baseline.role_arns["key-admin"]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.security.iam_boundary import boundary_policy
from components.security.iam_documents import (
    INLINE_STATEMENTS,
    MANAGED_POLICIES,
    ROLES,
    SERVICE_PRINCIPALS,
    SERVICE_ROLES,
    VAULT_VENDED_ROLES,
    CellScope,
    broker_trust_policy,
    deploy_trust_policy,
    human_trust_policy,
    role_policy,
)
from components.trust import assume_role_policy
from components.validation import (
    require_jurisdiction,
    require_non_empty,
    require_range,
    require_region_in_jurisdiction,
)
from domain.naming import access_analyzer_name, boundary_name, role_name


@dataclass(frozen=True)
class IamBaselineArgs:
    """Arguments of a cell's IAM baseline."""

    stack: str
    """Stack name, part of every role name (prod and dr share one account)."""
    cell: str
    """Cell name (e.g. `uk`), part of every role name."""
    jurisdiction: str
    """Jurisdiction code; the boundary denies every regional action outside its allowed regions."""
    region: str
    """The cell's region (the provider's); validated against the jurisdiction."""
    manage_password_policy: bool = True
    """Declare the account password policy (an account singleton: set for one cell of one stack only)."""
    create_access_analyzer: bool = True
    """Declare the regional IAM Access Analyzer (one per region: set for the first cell in each region)."""
    max_session_duration_seconds: int = 3600
    """Session length of human roles, 900..43200; break-glass is always 3600."""
    minimum_password_length: int = 14
    """Password policy minimum length, 14..128 (CIS 1.8)."""
    password_reuse_prevention: int = 24
    """Previous passwords that may not be reused, 24 (CIS 1.9)..24."""
    trusted_account_id: str | None = None
    """Account whose MFA-authenticated principals may assume the human roles; None means this account."""
    vault_oidc_provider_host: str | None = None
    """Host/path of the IAM OIDC provider for Vault's plugin identity tokens (e.g.
    `vault.example.internal:8200/v1/identity/oidc/plugins`); vault-broker trusts only it. None: vault-broker
    trusts nothing until set (it is then unusable, never open)."""
    vault_token_audience: str = "sts.amazonaws.com"
    """The `aud` Vault puts in its plugin identity tokens; vault-broker's trust requires it."""
    admin_tag_key: str = "trustfabric-deployer"
    """Principal tag the pipeline's principal carries; the deploy role trusts only principals tagged `true`."""
    extra_boundary_services: Sequence[str] = field(default_factory=tuple)
    """Further service prefixes the boundary allows (beyond BOUNDARY_SERVICES)."""


def validate_args(args: IamBaselineArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_non_empty("IamBaseline", "stack", args.stack)
    require_non_empty("IamBaseline", "cell", args.cell)
    require_jurisdiction("IamBaseline", "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction("IamBaseline", "region", args.region, args.jurisdiction)
    require_range("IamBaseline", "max_session_duration_seconds", args.max_session_duration_seconds, 900, 43200)
    require_range("IamBaseline", "minimum_password_length", args.minimum_password_length, 14, 128)
    require_range("IamBaseline", "password_reuse_prevention", args.password_reuse_prevention, 24, 24)
    longest = role_name(args.stack, args.cell, "incident-responder")
    if len(longest) > 64:
        raise ValueError(
            f"IamBaseline: stack/cell: role name {longest!r} is longer than IAM's 64 characters; "
            "allowed: shorter stack and cell names"
        )
    if args.trusted_account_id is not None and not (
        len(args.trusted_account_id) == 12 and args.trusted_account_id.isdigit()
    ):
        raise ValueError(
            f"IamBaseline: trusted_account_id: {args.trusted_account_id!r} is not an account id; "
            "allowed: 12 digits or None"
        )
    for service in args.extra_boundary_services:
        if service in ("*", "") or "*" in service or ":" in service:
            raise ValueError(
                f"IamBaseline: extra_boundary_services: {service!r} is not a service prefix; "
                "allowed: a prefix such as 'bedrock'"
            )


def cell_scope(args: IamBaselineArgs, account_id: str) -> CellScope:
    """What the cell's boundary and role policies are scoped to."""
    return CellScope(account_id, args.stack, args.cell, args.jurisdiction, args.region)


class IamBaseline(pulumi.ComponentResource):
    """Permission boundary, per-cell roles (all under the boundary), password policy, Access Analyzer."""

    role_arns: dict[str, pulumi.Output[str]]
    role_names: dict[str, str]
    boundary_arn: pulumi.Output[str]

    def __init__(self, name: str, args: IamBaselineArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:security:IamBaseline", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        trusted: pulumi.Output[str] = (
            pulumi.Output.from_input(args.trusted_account_id) if args.trusted_account_id else account_id
        )

        boundary = aws.iam.Policy(
            f"{name}-boundary",
            name=boundary_name(args.stack, args.cell),
            description=f"Permission boundary of every {args.jurisdiction} cell role ({args.stack})",
            policy=account_id.apply(
                lambda account: boundary_policy(cell_scope(args, account), args.extra_boundary_services)
            ),
            opts=child,
        )
        self.boundary_arn = boundary.arn

        self.role_arns = {}
        self.role_names = {role: role_name(args.stack, args.cell, role) for role in ROLES}
        broker = self._role(name, "vault-broker", args, account_id, boundary, child, None)
        for role in ROLES:
            if role == "vault-broker":
                continue
            self._role(name, role, args, account_id, boundary, child, broker, trusted)

        if args.manage_password_policy:
            aws.iam.AccountPasswordPolicy(
                f"{name}-password-policy",
                minimum_password_length=args.minimum_password_length,
                password_reuse_prevention=args.password_reuse_prevention,
                require_lowercase_characters=True,
                require_uppercase_characters=True,
                require_numbers=True,
                require_symbols=True,
                allow_users_to_change_password=True,
                max_password_age=90,
                hard_expiry=False,
                opts=child,
            )
        if args.create_access_analyzer:
            aws.accessanalyzer.Analyzer(
                f"{name}-access-analyzer",
                analyzer_name=access_analyzer_name(args.stack, args.region),
                type="ACCOUNT",
                opts=child,
            )

        self.register_outputs({"role_arns": self.role_arns, "boundary_arn": self.boundary_arn})

    def _role(
        self,
        name: str,
        role: str,
        args: IamBaselineArgs,
        account_id: pulumi.Output[str],
        boundary: aws.iam.Policy,
        child: pulumi.ResourceOptions,
        broker: aws.iam.Role | None,
        trusted: pulumi.Output[str] | None = None,
    ) -> aws.iam.Role:
        if role == "deploy":
            assert trusted is not None
            trust = trusted.apply(lambda account: deploy_trust_policy(account, args.admin_tag_key))
        elif role in SERVICE_PRINCIPALS:
            trust = account_id.apply(lambda account: assume_role_policy(SERVICE_PRINCIPALS[role], account))
        elif role == "vault-broker":
            trust = account_id.apply(
                lambda account: broker_trust_policy(account, args.vault_oidc_provider_host, args.vault_token_audience)
            )
        else:
            assert trusted is not None and broker is not None
            vended = role in VAULT_VENDED_ROLES
            trust = pulumi.Output.all(account_id, trusted, broker.arn).apply(
                lambda values: human_trust_policy(values[0], values[1], values[2] if vended else None)
            )
        session = 3600 if role == "break-glass" else args.max_session_duration_seconds
        if role in SERVICE_ROLES:
            session = 3600
        resource = aws.iam.Role(
            f"{name}-{role}",
            name=role_name(args.stack, args.cell, role),
            description=f"trustfabric {args.stack} {args.cell} {role}",
            assume_role_policy=trust,
            max_session_duration=session,
            permissions_boundary=boundary.arn,
            force_detach_policies=True,
            tags={"role": role},
            opts=child,
        )
        for index, policy_arn in enumerate(MANAGED_POLICIES[role]):
            aws.iam.RolePolicyAttachment(
                f"{name}-{role}-managed-{index}",
                role=resource.name,
                policy_arn=policy_arn,
                opts=child,
            )
        if role in INLINE_STATEMENTS:
            aws.iam.RolePolicy(
                f"{name}-{role}-inline",
                role=resource.name,
                policy=account_id.apply(lambda account: role_policy(role, cell_scope(args, account))),
                opts=child,
            )
        self.role_arns[role] = resource.arn
        return resource
