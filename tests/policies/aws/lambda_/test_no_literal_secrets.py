"""aws-lambda-no-literal-secrets: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/tags_secrets.py.
"""

from policies.aws.lambda_.no_literal_secrets import POLICY as LAMBDA
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details as _details
from tests.policies.programs import program_graph
from tests.policies.programs.tags_secrets import BROKEN, COMPLIANT


def test_compliant_tags_and_secrets_pass():
    graph = program_graph(COMPLIANT)
    assert evaluate(LAMBDA, graph) == [], LAMBDA.name


def test_every_way_to_break_tags_and_secrets():
    graph = program_graph(BROKEN)
    fix = (
        "keep it in AWS Secrets Manager, pass the secret's ARN instead and read it at runtime (AWS Parameters and "
        "Secrets Lambda Extension)."
    )
    assert _details(evaluate(LAMBDA, graph)) == [
        (
            "fn",
            "Lambda function 'fn': environment variable 'DB_PASSWORD' holds a literal value for a secret-named key "
            f"in plaintext configuration; {fix}",
        ),
        (
            "fn",
            "Lambda function 'fn': environment variable 'KEY_ID' holds an AWS access key id in plaintext "
            f"configuration; {fix}",
        ),
    ]


def test_unknown_values_are_never_a_pass():
    function = resource(
        "aws:lambda/function:Function",
        {"role": "r", "environment": {"variables": {"API_TOKEN": UNKNOWN, "REGION": UNKNOWN}}},
        name="f",
    )
    assert [d.detail for d in evaluate(LAMBDA, function)] == [
        "Lambda function 'f': environment variable 'API_TOKEN' holds a computed value in plaintext configuration; "
        "keep it in AWS Secrets Manager, pass the secret's ARN instead and read it at runtime (AWS Parameters and "
        "Secrets Lambda Extension)."
    ]
