"""aws-appconfig-deployment-strategy-gradual: a deployment strategy never reaches 100% of targets at once."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy

META = PolicyMeta(
    id="TF-AWS-APPCONFIG-003",
    name="aws-appconfig-deployment-strategy-gradual",
    description="AppConfig deployment strategies grow in steps under 100% over a non-zero duration, never all at once.",
    severity="high",
    topics=("change-management", "progressive-delivery"),
    controls={"SOC2": ("CC8.1",), "ISO27001:2022": ("A.8.32",), "NIST-800-53": ("CM-3",)},
    remediation="Set growth_factor below 100 (10: a 10% canary first) and deployment_duration_in_minutes above 0 on "
    "the aws.appconfig.DeploymentStrategy.",
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props = args.props
    for key, setting in (
        ("growthFactor", "growth_factor"),
        ("deploymentDurationInMinutes", "deployment_duration_in_minutes"),
    ):
        if is_unknown(props, key):
            report_violation(
                f"AppConfig deployment strategy '{args.name}': {setting} is not known during preview; set it literally."
            )
            return
    growth = get(props, "growthFactor", default=100)
    duration = get(props, "deploymentDurationInMinutes", default=0)
    if isinstance(growth, (int, float)) and growth >= 100:
        report_violation(
            f"AppConfig deployment strategy '{args.name}' deploys to 100% of targets at once (growth_factor "
            f"{growth:g}); set growth_factor below 100, e.g. 10 for a 10% canary."
        )
    elif isinstance(duration, (int, float)) and duration <= 0:
        report_violation(
            f"AppConfig deployment strategy '{args.name}' deploys to 100% of targets at once "
            "(deployment_duration_in_minutes 0); spread the steps over at least 10 minutes."
        )


POLICY = resource_policy(META, validate, resource_types=("aws:appconfig/deploymentStrategy:DeploymentStrategy",))
