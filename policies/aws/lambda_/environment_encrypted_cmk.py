"""aws-lambda-environment-encrypted-cmk: a Lambda function's environment is encrypted with a customer-managed key.

Lambda encrypts environment variables at rest with its AWS-managed key (`aws/lambda`) unless the function names
a KMS key (`kms_key_arn`). With the AWS-managed key, anyone allowed lambda:GetFunctionConfiguration in the
account reads the variables, and key use is neither restricted by a key policy of ours nor revocable. A function
with environment variables, holding data not classified public or internal (the provider's default
`data-classification` tag counts), must name a customer-managed key; a function without variables passes.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, resource_policy
from policies.lib.encryption import cmk_problem, requires_cmk, scope_label
from policies.lib.props import unknown_itself

META = PolicyMeta(
    id="TF-AWS-LAMBDA-002",
    name="aws-lambda-environment-encrypted-cmk",
    description=(
        "Lambda functions with environment variables encrypt them with a customer-managed KMS key, not Lambda's "
        "AWS-managed key."
    ),
    severity="high",
    topics=("encryption", "secrets"),
    controls={"SOC2": ("CC6.1",), "ISO27001:2022": ("A.8.24",), "GDPR": ("Art.32",)},
    remediation="Set kms_key_arn to the cell's key for the function's data (e.g. the secrets key for rotation functions).",
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props = args.props
    if unknown_itself(props, "environment") or unknown_itself(props, "environment", "variables"):
        report_violation(
            f"Lambda function '{args.name}': its environment is not known during preview; declare it literally "
            "with kms_key_arn set to a customer-managed key."
        )
        return
    if not get(props, "environment", "variables", default={}) or not requires_cmk(args):
        return
    problem = cmk_problem(props, ("kmsKeyArn",), "kms_key_arn", scope_label(args))
    if problem is not None:
        report_violation(f"Lambda function '{args.name}' has environment variables and {problem}")


POLICY = resource_policy(META, validate, resource_types=("aws:lambda/function:Function",))
