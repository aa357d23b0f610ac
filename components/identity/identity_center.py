"""IAM Identity Center for a stack: one permission set per (cell, job function), assigned to the IdP's groups.

People sign in at the external identity provider (SAML); the IdP provisions users and groups into Identity
Center by SCIM, so no user or group is declared here: the groups arrive with the ids the stack file names. Each
cell gets its own permission set per job function (`components.identity.job_functions`), under the cell's
permission boundary (`trustfabric-<stack>-<cell>-boundary`, declared by the IAM baseline), so access to one
jurisdiction never reaches another's regions. The policies of a set are attached exclusively: a policy attached
outside code is removed on the next `pulumi up`.

Standing functions are assigned to their group on the account; just-in-time functions (support, break-glass)
are never assigned here: `components.identity.jit_access` grants them to one person for a bounded time.

Identity Center lives in one region (`region`, its home region): every resource is created there (pulumi-aws's
per-resource `region`), through the provider of the cell whose jurisdiction allows that region.

Usage::

    center = IdentityCenter(
        "identity-center",
        IdentityCenterArgs(
            stack="prod", jurisdiction="UK", region="eu-west-2",
            instance_arn="arn:aws:sso:::instance/ssoins-0123456789abcdef",
            cells=(CellAccess("uk", "UK"), CellAccess("eu", "EU")),
            group_ids={"auditor": "...", "platform-engineer": "...", "sre-on-call": "...",
                       "security": "...", "support": "..."},
        ),
        opts=pulumi.ResourceOptions(provider=uk_provider),
    )
    support_uk_arn = center.permission_set_arns[("uk", "support")]
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.identity.job_functions import GROUP_FUNCTIONS, JOB_FUNCTIONS, JobFunction
from components.security.iam_documents import CellScope, role_policy
from components.validation import require_jurisdiction, require_non_empty, require_region_in_jurisdiction
from domain.naming import boundary_name, permission_set_name

INSTANCE_ARN = re.compile(r"^arn:aws:sso:::instance/(sso)?ins-[0-9a-f]{16}$")
GROUP_ID = re.compile(r"^([0-9a-f]{10}-)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
"""An Identity Store group id (what SCIM provisioning gives a group)."""


@dataclass(frozen=True)
class CellAccess:
    """A cell whose people get permission sets: its name and jurisdiction."""

    cell: str
    """The cell's name prefix, e.g. `uk`."""
    jurisdiction: str
    """Its jurisdiction code: the permission sets carry the cell's boundary, which allows only its regions."""


@dataclass(frozen=True)
class IdentityCenterArgs:
    """Arguments of a stack's Identity Center permission sets and assignments."""

    stack: str
    """Stack name, part of every permission set name (prod and dr share the account and the instance)."""
    jurisdiction: str
    """Jurisdiction of the cell that declares Identity Center; its allowed regions include `region`."""
    region: str
    """Identity Center's home region: every resource is created there."""
    instance_arn: str
    """The Identity Center instance (`arn:aws:sso:::instance/ssoins-...`)."""
    cells: Sequence[CellAccess]
    """Cells whose job functions get permission sets."""
    group_ids: Mapping[str, str]
    """IdP group id (provisioned by SCIM) per job function with a group (`GROUP_FUNCTIONS`)."""
    functions: Sequence[JobFunction] = JOB_FUNCTIONS
    """The job functions; defaults to the table of `components.identity.job_functions`."""


def validate_args(args: IdentityCenterArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_non_empty("IdentityCenter", "stack", args.stack)
    require_jurisdiction("IdentityCenter", "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction("IdentityCenter", "region", args.region, args.jurisdiction)
    if not INSTANCE_ARN.fullmatch(args.instance_arn):
        raise ValueError(
            f"IdentityCenter: instance_arn: {args.instance_arn!r} is not an Identity Center instance ARN; "
            "allowed: arn:aws:sso:::instance/ssoins-<16 hex digits>"
        )
    require_non_empty("IdentityCenter", "cells", args.cells)
    for cell in args.cells:
        require_jurisdiction("IdentityCenter", f"cells[{cell.cell}].jurisdiction", cell.jurisdiction)
    names = {function.name for function in args.functions}
    for function in args.functions:
        if function.privileged and function.session_duration != "PT1H":
            raise ValueError(
                f"IdentityCenter: functions[{function.name}].session_duration: {function.session_duration!r} "
                "is too long for a privileged function; allowed: PT1H"
            )
    needed = [name for name in GROUP_FUNCTIONS if name in names]
    missing = [name for name in needed if name not in args.group_ids]
    if missing:
        raise ValueError(f"IdentityCenter: group_ids: missing {', '.join(missing)}; allowed: an IdP group id each")
    for function_name, group_id in args.group_ids.items():
        if function_name not in needed:
            raise ValueError(
                f"IdentityCenter: group_ids: {function_name!r} is not a job function with a group; "
                f"allowed: {', '.join(needed)}"
            )
        if not GROUP_ID.fullmatch(group_id):
            raise ValueError(
                f"IdentityCenter: group_ids[{function_name}]: {group_id!r} is not an Identity Store group id; "
                "allowed: a UUID, optionally prefixed by 10 hex digits and '-'"
            )


class IdentityCenter(pulumi.ComponentResource):
    """Permission sets per (cell, job function) under the cell's boundary; standing ones assigned to groups."""

    permission_set_arns: dict[tuple[str, str], pulumi.Output[str]]

    def __init__(self, name: str, args: IdentityCenterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:identity:IdentityCenter", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        self.permission_set_arns = {}
        for cell in args.cells:
            for function in args.functions:
                self._permission_set(name, args, cell, function, account_id, child)
        self.register_outputs(
            {
                "permission_set_arns": {
                    f"{cell}/{function}": arn for (cell, function), arn in self.permission_set_arns.items()
                }
            }
        )

    def _permission_set(
        self,
        name: str,
        args: IdentityCenterArgs,
        cell: CellAccess,
        function: JobFunction,
        account_id: pulumi.Output[str],
        child: pulumi.ResourceOptions,
    ) -> None:
        prefix = f"{name}-{cell.cell}-{function.name}"
        permission_set = aws.ssoadmin.PermissionSet(
            prefix,
            name=permission_set_name(args.stack, cell.cell, function.name),
            description=f"trustfabric {args.stack} {cell.cell}: {function.description}"[:700],
            instance_arn=args.instance_arn,
            session_duration=function.session_duration,
            region=args.region,
            tags={"job-function": function.name, "cell": cell.cell},
            opts=child,
        )
        self.permission_set_arns[(cell.cell, function.name)] = permission_set.arn
        aws.ssoadmin.ManagedPolicyAttachmentsExclusive(
            f"{prefix}-managed",
            instance_arn=args.instance_arn,
            permission_set_arn=permission_set.arn,
            managed_policy_arns=list(function.managed_policies),
            region=args.region,
            opts=child,
        )
        aws.ssoadmin.PermissionsBoundaryAttachment(
            f"{prefix}-boundary",
            instance_arn=args.instance_arn,
            permission_set_arn=permission_set.arn,
            permissions_boundary=aws.ssoadmin.PermissionsBoundaryAttachmentPermissionsBoundaryArgs(
                customer_managed_policy_reference=aws.ssoadmin.PermissionsBoundaryAttachmentPermissionsBoundaryCustomerManagedPolicyReferenceArgs(
                    name=boundary_name(args.stack, cell.cell),
                ),
            ),
            region=args.region,
            opts=child,
        )
        if function.containment:
            scope = account_id.apply(
                lambda account: CellScope(account, args.stack, cell.cell, cell.jurisdiction, args.region)
            )
            aws.ssoadmin.PermissionSetInlinePolicy(
                f"{prefix}-inline",
                instance_arn=args.instance_arn,
                permission_set_arn=permission_set.arn,
                inline_policy=scope.apply(lambda s: _containment_policy(s)),
                region=args.region,
                opts=child,
            )
        if function.standing:
            aws.ssoadmin.AccountAssignment(
                f"{prefix}-assignment",
                instance_arn=args.instance_arn,
                permission_set_arn=permission_set.arn,
                principal_type="GROUP",
                principal_id=args.group_ids[function.name],
                target_type="AWS_ACCOUNT",
                target_id=account_id,
                region=args.region,
                opts=child,
            )


def _containment_policy(scope: CellScope) -> str:
    """The incident responder's containment statements (runbooks/secret-leak.md), in the cell's regions only."""
    return role_policy("incident-responder", scope)
