"""Tag contract (AWS tags, Kubernetes labels) and literal secrets (Lambda, ECS, tags)."""

import json

from policies.aws.ecs.no_literal_secrets import POLICY as ECS
from policies.aws.governance.no_secrets_in_tags import POLICY as TAG_SECRETS
from policies.aws.governance.tags_required import POLICY as TAGS
from policies.aws.lambda_.no_literal_secrets import POLICY as LAMBDA
from policies.kubernetes.governance.labels_required import POLICY as LABELS
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

COMPLIANT = """
import json
import pulumi, pulumi_aws as aws, pulumi_kubernetes as k8s
uk = aws.Provider("uk", region="eu-west-2", default_tags={"tags": {"jurisdiction": "UK",
    "data-classification": "confidential", "owner": "ledger-team"}})
opts = pulumi.ResourceOptions(provider=uk)
bucket = aws.s3.Bucket("ledger", tags={"data-classification": "restricted"}, opts=opts)
aws.s3.BucketPublicAccessBlock("ledger", bucket=bucket.id)  # not taggable
aws.lambda_.Function("fn", role="arn:aws:iam::123456789012:role/fn", opts=opts, environment={"variables": {
    "DB_PASSWORD_SECRET_ARN": "arn:aws:secretsmanager:eu-west-2:123456789012:secret:db", "LOG_LEVEL": "info"}})
aws.ecs.TaskDefinition("task", family="api", opts=opts, container_definitions=json.dumps([{"name": "api",
    "image": "api:1", "environment": [{"name": "PORT", "value": "8080"}],
    "secrets": [{"name": "DB_PASSWORD", "valueFrom": "arn:aws:secretsmanager:eu-west-2:123456789012:secret:db"}]}]))
k8s.core.v1.ConfigMap("cfg", metadata={"labels": {"jurisdiction": "UK", "data-classification": "internal",
    "owner": "ledger-team"}}, data={"a": "b"})
"""

BROKEN = """
import json
import pulumi, pulumi_aws as aws, pulumi_kubernetes as k8s
aws.s3.Bucket("bare")
aws.sqs.Queue("odd", tags={"jurisdiction": "FR", "data-classification": "secret", "owner": "x",
    "api-token": "hunter2hunter2"})
aws.lambda_.Function("fn", role="arn:aws:iam::123456789012:role/fn", tags={"jurisdiction": "UK",
    "data-classification": "internal", "owner": "x"}, environment={"variables": {
    "DB_PASSWORD": pulumi.Output.secret("s3cr3t"), "KEY_ID": "AKIAABCDEFGHIJKLMNOP"}})
aws.ecs.TaskDefinition("task", family="api", tags={"jurisdiction": "UK", "data-classification": "internal",
    "owner": "x"}, container_definitions=json.dumps([{"name": "api", "image": "api:1", "environment": [
    {"name": "STRIPE_API_KEY", "value": "sk_live_123"},
    {"name": "BLOB", "value": "q8Zr4Lm2Vx9Tb7Nc1Hs6Kd3Wf5Yg0Pj8Ue4Ra2Io7"}]}]))
k8s.core.v1.ConfigMap("cfg", metadata={"labels": {"jurisdiction": "UK"}}, data={"a": "b"})
"""

CONTRACT = (
    "set jurisdiction, data-classification and owner through the cell provider's default_tags or the resource's tags."
)


def _details(diagnostics):
    return sorted((d.urn.rsplit("::", 1)[1], d.detail) for d in diagnostics)


def test_compliant_tags_and_secrets_pass(tmp_path):
    graph = run_snippet(tmp_path, COMPLIANT)
    for policy in (TAGS, LABELS, LAMBDA, ECS, TAG_SECRETS):
        assert evaluate(policy, graph) == [], policy.name


def test_every_way_to_break_tags_and_secrets(tmp_path):
    graph = run_snippet(tmp_path, BROKEN)
    assert _details(evaluate(TAGS, graph)) == [
        (
            "bare",
            "AWS resource 'bare' breaks the tag contract: 'jurisdiction' is missing; 'data-classification' is "
            f"missing; 'owner' is missing; {CONTRACT}",
        ),
        (
            "odd",
            "AWS resource 'odd' breaks the tag contract: 'jurisdiction' is 'FR' (allowed: UK|EU|US|CA); "
            "'data-classification' is 'secret' (allowed: public|internal|confidential|restricted); "
            f"{CONTRACT}",
        ),
    ]
    assert _details(evaluate(LABELS, graph)) == [
        (
            "cfg",
            "Kubernetes ConfigMap 'cfg' breaks the label contract: 'data-classification' is missing; 'owner' is "
            "missing; set jurisdiction, data-classification and owner in metadata.labels.",
        )
    ]
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
    ecs_fix = "move it to AWS Secrets Manager and reference it from the container's secrets list (valueFrom)."
    assert _details(evaluate(ECS, graph)) == [
        (
            "task",
            "ECS task definition 'task': container 'api' environment variable 'BLOB' holds a high-entropy string; "
            + ecs_fix,
        ),
        (
            "task",
            "ECS task definition 'task': container 'api' environment variable 'STRIPE_API_KEY' holds a literal "
            "value for a secret-named key; " + ecs_fix,
        ),
    ]
    assert _details(evaluate(TAG_SECRETS, graph)) == [
        (
            "odd",
            "AWS resource 'odd': tag 'api-token' holds a literal value for a secret-named key; tags are not "
            "secret, so remove it and keep the value in AWS Secrets Manager.",
        )
    ]


def test_unknown_values_are_never_a_pass():
    queue = resource("aws:sqs/queue:Queue", {"tags": {"jurisdiction": "UK", "owner": UNKNOWN}}, name="q")
    assert [d.detail for d in evaluate(TAGS, queue)] == [
        "AWS resource 'q' breaks the tag contract: 'data-classification' is missing; 'owner' is not known during "
        f"preview; {CONTRACT}"
    ]
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
    task = resource("aws:ecs/taskDefinition:TaskDefinition", {"family": "f", "containerDefinitions": UNKNOWN}, name="t")
    assert [d.detail for d in evaluate(ECS, task)] == [
        "ECS task definition 't': container_definitions is not known during preview; secrets in its environment "
        "cannot be ruled out."
    ]
    config_map = resource("kubernetes:core/v1:ConfigMap", {"metadata": {"labels": UNKNOWN}}, name="c", region=None)
    assert [d.detail for d in evaluate(LABELS, config_map)] == [
        "Kubernetes ConfigMap 'c': its labels are not known during preview; set jurisdiction, data-classification "
        "and owner literally in metadata.labels."
    ]
    assert json  # the module is used by the programs above
