"""The programs one family of policy tests shares (one compliant, one breaking every policy of it)."""

COMPLIANT = """
import json
import pulumi, pulumi_aws as aws, pulumi_kubernetes as k8s
uk = aws.Provider("uk", region="eu-west-2", default_tags={"tags": {"jurisdiction": "UK",
    "data-classification": "confidential", "owner": "ledger-team"}})
opts = pulumi.ResourceOptions(provider=uk)
bucket = aws.s3.Bucket("ledger", tags={"data-classification": "restricted",
    "Name": "trustfabric-prod-uk-records-eu-west-2-123456789012",
    "writer": "trustfabric-prod-uk-ledger-writer-eu-west-2a-8f3a2c1"}, opts=opts)
aws.ec2.Instance("writer", ami="ami-0123456789abcdef0", instance_type="t3.micro", tags={
    "Name": "trustfabric-prod-uk-ledger-writer-eu-west-2a", "replica": "uk-ledger-events-table-prod-eu-west-2-4b1c9e2"},
    opts=opts)
aws.s3.BucketPublicAccessBlock("ledger", bucket=bucket.id)  # not taggable
aws.lambda_.Function("fn", role="arn:aws:iam::123456789012:role/fn", opts=opts, environment={"variables": {
    "DB_PASSWORD_SECRET_ARN": "arn:aws:secretsmanager:eu-west-2:123456789012:secret:db", "LOG_LEVEL": "info",
    "SECRETS_MANAGER_ENDPOINT": "https://secretsmanager.eu-west-2.amazonaws.com", "API_KEY_LENGTH": "48"}})
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
aws.sqs.Queue("leaky", tags={"jurisdiction": "UK", "data-classification": "internal", "owner": "x",
    "deployer": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "ci": "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
    "session": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "Name": "trustfabric-prod-uk-ledger-writer-q8Zr4Lm2Vx9Tb7Nc1Hs6Kd3Wf5Yg0Pj8Ue4Ra2Io7"})
"""

CONTRACT = (
    "set jurisdiction, data-classification and owner through the cell provider's default_tags or the resource's tags."
)
