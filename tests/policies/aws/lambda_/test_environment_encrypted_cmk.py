"""aws-lambda-environment-encrypted-cmk: passing and violating programs, classification scope, unknown values."""

from policies.aws.lambda_.environment_encrypted_cmk import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details, program_graph

PROGRAM = """
import pulumi, pulumi_aws as aws
uk = aws.Provider("uk", region="eu-west-2", default_tags={"tags": {"jurisdiction": "UK",
    "data-classification": "confidential", "owner": "ledger-team"}})
opts = pulumi.ResourceOptions(provider=uk)
key = aws.kms.Key("secrets", enable_key_rotation=True, opts=opts)
role = "arn:aws:iam::123456789012:role/fn"
env = {"variables": {"SECRETS_MANAGER_ENDPOINT": "https://secretsmanager.eu-west-2.amazonaws.com"}}
aws.lambda_.Function("keyed", role=role, environment=env, kms_key_arn=key.arn, opts=opts)
aws.lambda_.Function("no-variables", role=role, opts=opts)
aws.lambda_.Function("internal", role=role, environment=env, tags={"data-classification": "internal"}, opts=opts)
aws.lambda_.Function("lambda-key", role=role, environment=env, opts=opts)
aws.lambda_.Function("aws-managed", role=role, environment=env, opts=opts,
    kms_key_arn="arn:aws:kms:eu-west-2:123456789012:alias/aws/lambda")
"""


def test_only_functions_with_variables_and_no_customer_managed_key_are_reported():
    assert details(evaluate(POLICY, program_graph(PROGRAM))) == [
        (
            "aws-managed",
            "Lambda function 'aws-managed' has environment variables and holds confidential data but uses the "
            "AWS-managed key 'arn:aws:kms:eu-west-2:123456789012:alias/aws/lambda'; set kms_key_arn to the cell's "
            "data key (a customer-managed KMS key).",
        ),
        (
            "lambda-key",
            "Lambda function 'lambda-key' has environment variables and holds confidential data but is not "
            "encrypted with a customer-managed KMS key; set kms_key_arn to the cell's data key.",
        ),
    ]


def test_unknown_values_are_never_a_pass():
    unknown_environment = resource("aws:lambda/function:Function", {"role": "r", "environment": UNKNOWN}, name="f")
    assert [d.detail for d in evaluate(POLICY, unknown_environment)] == [
        "Lambda function 'f': its environment is not known during preview; declare it literally with kms_key_arn "
        "set to a customer-managed key."
    ]
    unknown_key = resource(
        "aws:lambda/function:Function",
        {"role": "r", "environment": {"variables": {"A": "b"}}, "kmsKeyArn": UNKNOWN},
        name="g",
    )
    assert [d.detail for d in evaluate(POLICY, unknown_key)] == [
        "Lambda function 'g' has environment variables and holds unclassified data (treated as confidential) and "
        "kms_key_arn is not known during preview; set it literally to the cell's data key (a customer-managed KMS "
        "key)."
    ]


def test_a_function_whose_variables_use_a_customer_managed_key_passes():
    keyed = resource(
        "aws:lambda/function:Function",
        {
            "role": "r",
            "environment": {"variables": {"LOG_LEVEL": "info"}},
            "kmsKeyArn": "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        },
        name="keyed",
    )
    assert evaluate(POLICY, keyed) == []
