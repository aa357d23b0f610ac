"""aws-secretsmanager-rotation-function-declared: rotations calling declared functions pass; a function nobody
declares, one Secrets Manager may not invoke, and an unknown ARN from nowhere are violations."""

from __future__ import annotations

from policies.aws.secretsmanager.rotation_function_declared import POLICY as DECLARED
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details, program_graph

PREAMBLE = """
import pulumi, pulumi_aws as aws
uk = aws.Provider("uk", region="eu-west-2")
opts = pulumi.ResourceOptions(provider=uk)
ACCOUNT = "123456789012"
def arn(name):
    return f"arn:aws:lambda:eu-west-2:{ACCOUNT}:function:{name}"
def rotate(name, lambda_arn, **options):
    secret = aws.secretsmanager.Secret(name, name=f"trustfabric/dev/uk/{name}", opts=opts)
    aws.secretsmanager.SecretRotation(f"{name}-rotation", secret_id=secret.id, rotation_lambda_arn=lambda_arn,
        rotation_rules={"automatically_after_days": 30}, opts=pulumi.ResourceOptions(provider=uk, **options))
"""

COMPLIANT = (
    PREAMBLE
    + """
function = aws.lambda_.Function("api-key", name="rotate-api-key", role="arn:aws:iam::123456789012:role/r",
    runtime="python3.12", handler="handler.lambda_handler", code=pulumi.FileArchive("."), opts=opts)
aws.lambda_.Permission("invoke", action="lambda:InvokeFunction", function=function.name,
    principal="secretsmanager.amazonaws.com", opts=opts)
rotate("model-gateway", arn("rotate-api-key"))
rotate("computed", function.arn)  # not known in preview, but computed from the declared function
aws.serverlessrepository.CloudFormationStack("database", name="rotate-database",
    application_id="arn:aws:serverlessrepo:us-east-1:297356227824:applications/SecretsManagerRDSPostgreSQLRotationSingleUser",
    semantic_version="1.1.671", capabilities=["CAPABILITY_IAM", "CAPABILITY_RESOURCE_POLICY"],
    parameters={"functionName": "rotate-database", "endpoint": "https://secretsmanager.eu-west-2.amazonaws.com"},
    opts=opts)
rotate("ledger-db", arn("rotate-database"))
"""
)

BROKEN = (
    PREAMBLE
    + """
aws.lambda_.Function("uninvokable", name="rotate-uninvokable", role="arn:aws:iam::123456789012:role/r",
    runtime="python3.12", handler="handler.lambda_handler", code=pulumi.FileArchive("."), opts=opts)
aws.lambda_.Permission("s3-only", action="lambda:InvokeFunction", function="rotate-uninvokable",
    principal="s3.amazonaws.com", opts=opts)
rotate("nowhere", arn("trustfabric-dev-uk-secret-rotation"))
rotate("no-permission", arn("rotate-uninvokable"))
rotate("other-region", "arn:aws:lambda:eu-west-1:123456789012:function:rotate-uninvokable")
rotate("not-lambda", "arn:aws:sns:eu-west-2:123456789012:topic")
unknown = aws.s3.Bucket("elsewhere", opts=opts)
rotate("from-nowhere", unknown.arn)
"""
)

FIX = (
    "Declare the rotation function in the stack (components.security.rotation.SecretRotation), point the rotation "
    "at its ARN and grant secretsmanager.amazonaws.com lambda:InvokeFunction on it."
)


def test_rotations_calling_declared_functions_and_templates_pass():
    assert evaluate(DECLARED, program_graph(COMPLIANT)) == [], DECLARED.name


def test_every_way_to_break_the_rotation_target():
    assert details(evaluate(DECLARED, program_graph(BROKEN))) == [
        (
            "from-nowhere-rotation",
            "Secret rotation 'from-nowhere-rotation': rotation_lambda_arn 'arn:aws:s3:::elsewhere-b2ed6be0' is not "
            f"a Lambda function ARN; {FIX}",
        ),
        (
            "no-permission-rotation",
            "Secret rotation 'no-permission-rotation': function 'rotate-uninvokable' is declared but no "
            "aws.lambda_.Permission lets secretsmanager.amazonaws.com invoke it; add one (action "
            "lambda:InvokeFunction, source_arn the secret's ARN).",
        ),
        (
            "not-lambda-rotation",
            "Secret rotation 'not-lambda-rotation': rotation_lambda_arn 'arn:aws:sns:eu-west-2:123456789012:topic' "
            f"is not a Lambda function ARN; {FIX}",
        ),
        (
            "nowhere-rotation",
            "Secret rotation 'nowhere-rotation': calls "
            "'arn:aws:lambda:eu-west-2:123456789012:function:trustfabric-dev-uk-secret-rotation', which the stack "
            f"does not declare, so the first rotation would fail; {FIX}",
        ),
        (
            "other-region-rotation",
            "Secret rotation 'other-region-rotation': calls "
            "'arn:aws:lambda:eu-west-1:123456789012:function:rotate-uninvokable', which the stack does not declare, "
            f"so the first rotation would fail; {FIX}",
        ),
    ]


def test_an_arn_unknown_during_preview_and_computed_from_no_function_is_a_violation():
    rotation = resource(
        "aws:secretsmanager/secretRotation:SecretRotation",
        {"secretId": "s", "rotationLambdaArn": UNKNOWN, "rotationRules": {"automaticallyAfterDays": 30}},
        name="r",
    )
    assert [d.detail for d in evaluate(DECLARED, rotation)] == [
        "Secret rotation 'r': its rotation function ARN is not known during preview and is not computed from a "
        "function the stack declares; the function it calls cannot be proven to exist."
    ]
