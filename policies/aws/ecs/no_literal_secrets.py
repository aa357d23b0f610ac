"""aws-ecs-no-literal-secrets: ECS container environments hold no secrets.

`container_definitions` is JSON text; every container's `environment[]` name/value pair is judged like a Lambda
variable (secret-looking names with a value, access keys, PEM private keys, high-entropy strings). The task
definition is readable by anyone with ecs:DescribeTaskDefinition, so secrets belong in the container's `secrets`
list (Secrets Manager or SSM references). Definitions not known during preview are reported as unproven.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.props import as_list, unknown_itself
from policies.lib.secrets import secret_reason

META = PolicyMeta(
    id="TF-AWS-ECS-001",
    name="aws-ecs-no-literal-secrets",
    description="No ECS task definition container environment variable holds a secret value.",
    severity="high",
    topics=("secrets", "containers"),
    controls={"SOC2": ("CC6.1",), "ISO27001:2022": ("A.5.17", "A.8.12"), "GDPR": ("Art.32",)},
    remediation=(
        "Move the value to AWS Secrets Manager and reference it from the container's secrets list (valueFrom)."
    ),
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props = args.props
    if unknown_itself(props, "containerDefinitions") or is_unknown(props, "containerDefinitions"):
        report_violation(
            f"ECS task definition '{args.name}': container_definitions is not known during preview; secrets in "
            "its environment cannot be ruled out."
        )
        return
    text = get(props, "containerDefinitions", default="[]")
    try:
        containers = json.loads(text) if isinstance(text, str) else []
    except ValueError:
        report_violation(f"ECS task definition '{args.name}': container_definitions is not valid JSON; fix it.")
        return
    for index, container in enumerate(as_list(containers)):
        if not isinstance(container, Mapping):
            continue
        container_name = container.get("name") or f"#{index}"
        for variable in as_list(container.get("environment")):
            if not isinstance(variable, Mapping):
                continue
            name = str(variable.get("name", ""))
            reason = secret_reason(name, variable.get("value"))
            if reason is not None:
                report_violation(
                    f"ECS task definition '{args.name}': container '{container_name}' environment variable "
                    f"'{name}' holds {reason}; move it to AWS Secrets Manager and reference it from the "
                    "container's secrets list (valueFrom)."
                )


POLICY = resource_policy(META, validate, resource_types=("aws:ecs/taskDefinition:TaskDefinition",))
