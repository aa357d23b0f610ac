"""aws-sagemaker-model-network-isolated: SageMaker models run network-isolated inside a VPC.

A model's containers make no outbound calls (`enable_network_isolation=True`) and its endpoint's interfaces
live in the cell's private subnets (`vpc_config` with at least one subnet and one security group), so a model
can neither leak a customer document to the internet nor be reached from outside the cell's network. A value
not known during preview is a violation, never a pass.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.props import as_bool, unknown_itself

META = PolicyMeta(
    id="TF-AWS-SM-002",
    name="aws-sagemaker-model-network-isolated",
    description="SageMaker models run with network isolation in the cell's VPC.",
    severity="high",
    topics=("network", "data-protection", "modelops"),
    controls={"SOC2": ("CC6.6",), "ISO27001:2022": ("A.8.20", "A.8.22"), "GDPR": ("Art.32",)},
    remediation=(
        "Set enable_network_isolation=True and vpc_config (the cell's private subnets and a security group) on "
        "the aws.sagemaker.Model."
    ),
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props = args.props
    if is_unknown(props, "enableNetworkIsolation"):
        report_violation(
            f"SageMaker model '{args.name}': enable_network_isolation is not known during preview; "
            "set it to True literally."
        )
    elif as_bool(get(props, "enableNetworkIsolation")) is not True:
        report_violation(f"SageMaker model '{args.name}' is not network-isolated; set enable_network_isolation=True.")
    for field, argument in (("subnets", "subnets"), ("securityGroupIds", "security_group_ids")):
        if unknown_itself(props, "vpcConfig") or unknown_itself(props, "vpcConfig", field):
            report_violation(
                f"SageMaker model '{args.name}': vpc_config.{argument} is not known during preview; "
                "declare the cell's private subnets and a security group."
            )
            return
        if not get(props, "vpcConfig", field):
            report_violation(
                f"SageMaker model '{args.name}' runs outside the cell's VPC (no vpc_config.{argument}); "
                "set vpc_config with the cell's private subnets and a security group."
            )
            return


POLICY = resource_policy(META, validate, resource_types=("aws:sagemaker/model:Model",))
