"""aws-lambda-no-literal-secrets: Lambda environment variables hold no secrets.

Environment variables are stored in the function configuration, readable with lambda:GetFunctionConfiguration
and shown in the console, even when the value is a Pulumi secret (Pulumi only hides it in its own state). A
variable named like a secret (PASSWORD, SECRET, TOKEN, API_KEY, PRIVATE_KEY ...) with a literal or computed value,
or a value shaped like an AWS access key, a PEM private key or a long high-entropy string, is a violation.
Variables holding a reference (an ARN, or a name ending in _ARN, _NAME, _ID ...) pass.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, resource_policy
from policies.lib.props import unknown_itself
from policies.lib.secrets import is_secret_name, secret_reason

META = PolicyMeta(
    id="TF-AWS-LAMBDA-001",
    name="aws-lambda-no-literal-secrets",
    description="No Lambda function environment variable holds a secret value.",
    severity="high",
    topics=("secrets",),
    controls={"SOC2": ("CC6.1",), "ISO27001:2022": ("A.5.17", "A.8.12"), "GDPR": ("Art.32",)},
    remediation=(
        "Keep the secret in AWS Secrets Manager, pass its ARN, and read it at runtime (or with the AWS Parameters "
        "and Secrets Lambda Extension)."
    ),
)

FIX = (
    "keep it in AWS Secrets Manager, pass the secret's ARN instead and read it at runtime (AWS Parameters and "
    "Secrets Lambda Extension)."
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props = args.props
    if unknown_itself(props, "environment") or unknown_itself(props, "environment", "variables"):
        report_violation(
            f"Lambda function '{args.name}': its environment variables are not known during preview; declare them "
            "literally so secrets can be ruled out."
        )
        return
    variables = get(props, "environment", "variables", default={})
    for name in sorted(str(key) for key in variables):
        if unknown_itself(variables, name):
            reason = "a computed value" if is_secret_name(name) else None
        else:
            reason = secret_reason(name, variables[name])
        if reason is not None:
            report_violation(
                f"Lambda function '{args.name}': environment variable '{name}' holds {reason} in plaintext "
                f"configuration; {FIX}"
            )


POLICY = resource_policy(META, validate, resource_types=("aws:lambda/function:Function",))
