"""aws-ssoadmin-privileged-session-short: privileged permission sets have sessions of at most one hour.

A permission set is privileged when the stack grants it anything beyond the read-only AWS managed policies
(ReadOnlyAccess, ViewOnlyAccess, SecurityAudit): another managed policy, a customer-managed or an inline policy
(`policies.lib.sso`). Its `session_duration` (Identity Center's default PT1H when absent) must be at most
`maxSessionMinutes` (default 60). A duration or policy not known during preview is reported, never passed.
"""

from __future__ import annotations

from pulumi_policy import StackValidationArgs

from policies.base import PolicyMeta, ReportViolation, stack_policy
from policies.lib.sso import DEFAULT_SESSION, UNKNOWN, permission_set_grants, session_seconds

META = PolicyMeta(
    id="TF-AWS-SSO-001",
    name="aws-ssoadmin-privileged-session-short",
    description="Permission sets that grant more than read-only access have sessions of at most one hour.",
    severity="high",
    topics=("identity", "privileged-access"),
    controls={"SOC2": ("CC6.1", "CC6.3"), "ISO27001:2022": ("A.8.2", "A.8.5"), "NIST-800-53": ("AC-12",)},
    remediation="Set session_duration to PT1H (or shorter) on the aws.ssoadmin.PermissionSet.",
    config_schema={"maxSessionMinutes": {"type": "integer", "minimum": 15, "maximum": 60, "default": 60}},
    floors={"maxSessionMinutes": {"ceiling": 60}},
)


def _shown(props: object) -> str:
    value = props.get("sessionDuration")  # type: ignore[attr-defined]
    return str(value) if value else f"{DEFAULT_SESSION} (the default)"


def _duration(minutes: int) -> str:
    return f"PT{minutes // 60}H" if minutes % 60 == 0 else f"PT{minutes}M"


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    limit_minutes = int((args.get_config() or {}).get("maxSessionMinutes", 60))
    limit = _duration(limit_minutes)
    for permission_set, grants in permission_set_grants(args.resources):
        if not grants.privileged:
            continue
        seconds = session_seconds(permission_set.props)
        subject = f"Permission set '{permission_set.name}' is privileged ({grants.privileged_by})"
        if seconds is UNKNOWN:
            report_violation(
                f"{subject}; its session_duration is not known during preview; set it literally to at most {limit}.",
                permission_set.urn,
            )
        elif seconds is None:
            report_violation(
                f"{subject}; its session_duration is not an ISO 8601 duration; set it to at most {limit}.",
                permission_set.urn,
            )
        elif seconds > limit_minutes * 60:
            report_violation(
                f"{subject} with sessions of {_shown(permission_set.props)}; set session_duration to at most {limit}.",
                permission_set.urn,
            )


POLICY = stack_policy(META, validate)
