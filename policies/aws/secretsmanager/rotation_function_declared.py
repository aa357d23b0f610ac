"""aws-secretsmanager-rotation-function-declared: every secret rotation calls a function the stack declares.

A `aws.secretsmanager.SecretRotation` names its rotation function by ARN; an ARN that nothing declares makes
the first scheduled rotation fail, and the secret then keeps its value for ever. Judged in the stack's graph:

- the function is declared when an `aws.lambda_.Function` of that name (its `name`, else the function's
  resource id) is in the rotation's region, or when an `aws.serverlessrepository.CloudFormationStack`
  (an AWS rotation template) is given that name as its `functionName` parameter;
- a function the stack declares itself must also let Secrets Manager call it: an `aws.lambda_.Permission`
  for `secretsmanager.amazonaws.com` on that function (by name or ARN). An AWS template's stack declares its
  own permission.

An ARN computed from such a function or template stack (the rotation's `rotation_lambda_arn` depends on it)
names it, whatever its value; an ARN not known during preview and computed from neither is a violation saying
what cannot be proven.
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import StackValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, stack_policy

META = PolicyMeta(
    id="TF-AWS-SECRETSMANAGER-ROT-001",
    name="aws-secretsmanager-rotation-function-declared",
    description="Every Secrets Manager rotation calls a Lambda function that the stack declares and lets it call.",
    severity="high",
    topics=("secrets", "rotation"),
    controls={"SOC2": ("CC6.1",), "ISO27001:2022": ("A.5.17",)},
    remediation=(
        "Declare the rotation function in the stack (components.security.rotation.SecretRotation), point the "
        "rotation at its ARN and grant secretsmanager.amazonaws.com lambda:InvokeFunction on it."
    ),
)

ROTATION = "aws:secretsmanager/secretRotation:SecretRotation"
FUNCTION = "aws:lambda/function:Function"
PERMISSION = "aws:lambda/permission:Permission"
TEMPLATE = "aws:serverlessrepository/cloudFormationStack:CloudFormationStack"
SERVICE = "secretsmanager.amazonaws.com"


def _known(resource: Any, *path: str) -> Any:
    return None if is_unknown(resource.props, *path) else get(resource.props, *path)


def _region(resource: Any) -> str | None:
    provider = resource.provider
    if provider is None or is_unknown(provider.props, "region"):
        return None
    region = get(provider.props, "region")
    return region if isinstance(region, str) else None


def _function_name(resource: Any) -> str | None:
    name = _known(resource, "name")
    return name if isinstance(name, str) else None


def _template_function(resource: Any) -> str | None:
    name = _known(resource, "parameters", "functionName")
    return name if isinstance(name, str) else None


def _allows_secrets_manager(permission: Any, function: Any, name: str) -> bool:
    if _known(permission, "principal") != SERVICE or _known(permission, "action") not in (
        "lambda:InvokeFunction",
        "lambda:*",
    ):
        return False
    if any(dep.urn == function.urn for dep in permission.property_dependencies.get("function", [])):
        return True
    target = _known(permission, "function")
    return isinstance(target, str) and (target == name or target.endswith(f":function:{name}"))


def _permission_problem(label: str, function: Any, name: str, resources: list[Any]) -> str | None:
    permissions = [r for r in resources if r.resource_type == PERMISSION]
    if any(_allows_secrets_manager(permission, function, name) for permission in permissions):
        return None
    return (
        f"{label}: function '{name}' is declared but no aws.lambda_.Permission lets {SERVICE} invoke it; add "
        "one (action lambda:InvokeFunction, source_arn the secret's ARN)."
    )


def _problem(rotation: Any, resources: list[Any]) -> str | None:
    label = f"Secret rotation '{rotation.name}'"
    sources = rotation.property_dependencies.get("rotationLambdaArn", [])
    if any(dep.resource_type == TEMPLATE for dep in sources):
        return None
    for function in (dep for dep in sources if dep.resource_type == FUNCTION):
        return _permission_problem(label, function, _function_name(function) or function.name, resources)
    if is_unknown(rotation.props, "rotationLambdaArn"):
        return (
            f"{label}: its rotation function ARN is not known during preview and is not computed from a function "
            "the stack declares; the function it calls cannot be proven to exist."
        )
    arn = get(rotation.props, "rotationLambdaArn")
    parts = arn.split(":") if isinstance(arn, str) else []
    if len(parts) < 7 or parts[2] != "lambda" or parts[5] != "function":
        return f"{label}: rotation_lambda_arn {arn!r} is not a Lambda function ARN; {META.remediation}"
    region, name = parts[3], parts[6]
    for template in (r for r in resources if r.resource_type == TEMPLATE):
        if _template_function(template) == name and _region(template) in (None, region):
            return None
    for function in (r for r in resources if r.resource_type == FUNCTION):
        if _function_name(function) == name and _region(function) in (None, region):
            return _permission_problem(label, function, name, resources)
    return (
        f"{label}: calls '{arn}', which the stack does not declare, so the first rotation would fail; "
        f"{META.remediation}"
    )


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    resources = list(args.resources)
    for rotation in resources:
        if rotation.resource_type != ROTATION:
            continue
        problem = _problem(rotation, resources)
        if problem is not None:
            report_violation(problem, rotation.urn)


POLICY = stack_policy(META, validate)
