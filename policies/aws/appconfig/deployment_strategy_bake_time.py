"""aws-appconfig-deployment-strategy-bake-time: a deployment strategy keeps watching its alarms for a bake time
after the last step before the deployment completes."""

from __future__ import annotations

from typing import Any

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy

DEFAULT_MINIMUM = 10
META = PolicyMeta(
    id="TF-AWS-APPCONFIG-002",
    name="aws-appconfig-deployment-strategy-bake-time",
    description="AppConfig deployment strategies bake for at least minimumMinutes (default 10) after the last step.",
    severity="medium",
    topics=("change-management", "progressive-delivery"),
    controls={"SOC2": ("CC8.1",), "ISO27001:2022": ("A.8.32",), "NIST-800-53": ("CM-3",)},
    remediation="Set final_bake_time_in_minutes on the aws.appconfig.DeploymentStrategy to at least 10.",
    config_schema={
        "minimumMinutes": {
            "type": "integer",
            "minimum": 1,
            "maximum": 1440,
            "default": DEFAULT_MINIMUM,
            "description": "Shortest final bake time allowed, in minutes.",
        }
    },
    floors={"minimumMinutes": DEFAULT_MINIMUM},
)


def minimum(config: Any) -> int:
    value = (config or {}).get("minimumMinutes", DEFAULT_MINIMUM)
    return int(value)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    floor = minimum(args.get_config())
    if is_unknown(args.props, "finalBakeTimeInMinutes"):
        report_violation(
            f"AppConfig deployment strategy '{args.name}': final_bake_time_in_minutes is not known during preview; "
            f"set it literally to at least {floor}."
        )
        return
    bake = get(args.props, "finalBakeTimeInMinutes", default=0)
    if not isinstance(bake, (int, float)) or bake < floor:
        report_violation(
            f"AppConfig deployment strategy '{args.name}' bakes for {bake:g} minutes; set "
            f"final_bake_time_in_minutes to at least {floor} so its alarms can still roll a deployment back."
            if isinstance(bake, (int, float))
            else f"AppConfig deployment strategy '{args.name}' has no readable bake time; set "
            f"final_bake_time_in_minutes to at least {floor}."
        )


POLICY = resource_policy(META, validate, resource_types=("aws:appconfig/deploymentStrategy:DeploymentStrategy",))
