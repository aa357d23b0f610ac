"""aws-iam-role-permission-boundary: every IAM role carries a customer-managed permission boundary.

A permission boundary caps what a role's own policies can ever grant: a role created without one (by a careless
change, or by a pipeline that may create roles) is bounded only by its policies. `permissions_boundary` must be
the ARN of a customer-managed IAM policy (`arn:<partition>:iam::<account>:policy/<path><name>`) whose name matches
`boundaryNamePattern` (default `-boundary$`, the cells' `<project>-<stack>-<cell>-boundary` naming; a regular
expression searched in the name). An AWS-managed policy (`arn:aws:iam::aws:policy/...`) is never accepted: it is
not ours, and AdministratorAccess as a boundary bounds nothing. A boundary not known during preview is reported.
Service-linked roles (`aws.iam.ServiceLinkedRole`) cannot take a boundary and are another resource type.
"""

from __future__ import annotations

import re

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.iam import IAM_ROLE
from policies.lib.props import unknown_itself

DEFAULT_NAME_PATTERN = "-boundary$"

META = PolicyMeta(
    id="TF-AWS-IAM-006",
    name="aws-iam-role-permission-boundary",
    description="Every IAM role carries a customer-managed permission boundary whose name follows the boundary naming.",
    severity="high",
    topics=("identity", "least-privilege"),
    controls={"SOC2": ("CC6.3",), "ISO27001:2022": ("A.5.15", "A.8.2"), "NIST-800-53": ("AC-6",)},
    remediation="Set permissions_boundary on the aws.iam.Role to the ARN of the cell's boundary policy.",
    config_schema={
        "boundaryNamePattern": {
            "type": "string",
            "format": "regex",
            "minLength": 1,
            "default": DEFAULT_NAME_PATTERN,
            "description": "Regular expression searched in the boundary policy's name (the ARN's last segment).",
        }
    },
)

_POLICY_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(?P<account>\d{12}|aws):policy/(?:[^/]+/)*(?P<name>[^/]+)$")


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    label = f"IAM role '{args.name}'"
    pattern_text = str(args.get_config().get("boundaryNamePattern", DEFAULT_NAME_PATTERN))
    try:
        pattern = re.compile(pattern_text)
    except re.error as error:
        report_violation(
            f"{label}: policy config boundaryNamePattern {pattern_text!r} is not a regular expression ({error}); "
            "fix the policy config."
        )
        return
    if unknown_itself(args.props, "permissionsBoundary") or is_unknown(args.props, "permissionsBoundary"):
        report_violation(
            f"{label}: permissions_boundary is not known during preview; it cannot be shown to carry a "
            "permission boundary."
        )
        return
    boundary = get(args.props, "permissionsBoundary")
    if not isinstance(boundary, str) or not boundary.strip():
        report_violation(
            f"{label} has no permission boundary; set permissions_boundary to the ARN of the cell's boundary policy."
        )
        return
    match = _POLICY_ARN.match(boundary)
    if match is None:
        report_violation(
            f"{label}: permissions_boundary '{boundary}' is not an IAM policy ARN; set it to the ARN of the cell's "
            "boundary policy."
        )
    elif match.group("account") == "aws":
        report_violation(
            f"{label}: permissions_boundary '{boundary}' is an AWS-managed policy; set it to the ARN of the cell's "
            "boundary policy (customer-managed)."
        )
    elif not pattern.search(match.group("name")):
        report_violation(
            f"{label}: permission boundary '{match.group('name')}' does not match boundaryNamePattern "
            f"'{pattern_text}'; set permissions_boundary to the ARN of the cell's boundary policy."
        )


POLICY = resource_policy(META, validate, resource_types=(IAM_ROLE,))
