"""Fixtures for the checkov bridge tests: a small Pulumi program with known checkov verdicts, bridged and scanned
once per session (checkov runs take seconds), and its hand-written Terraform/Kubernetes equivalent scanned once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.trustfabric.helpers import STACK, write_program
from trustfabric.bridge.checkov import CheckovScan, CheckResult, check_results, run_checkov, scan_graph
from trustfabric.engine import run_program
from trustfabric.graph import ResourceGraph

FIXTURES = Path(__file__).parent / "fixtures"

VERDICT_PROGRAM = """
import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

rotating = aws.kms.Key("key_rotating", description="rotates", enable_key_rotation=True)
aws.kms.Key("key_static", description="does not rotate", enable_key_rotation=False)

bucket_kms = aws.s3.Bucket("bucket_kms", bucket="bucket-kms")
aws.s3.BucketServerSideEncryptionConfiguration(
    "bucket_kms_sse",
    bucket=bucket_kms.id,
    rules=[{
        "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": rotating.arn},
        "bucket_key_enabled": True,
    }],
)
aws.s3.Bucket("bucket_plain", bucket="bucket-plain")

for name, encrypted in (("db_encrypted", True), ("db_plain", False)):
    aws.rds.Instance(
        name,
        identifier=name.replace("_", "-"),
        engine="postgres",
        instance_class="db.t4g.micro",
        allocated_storage=20,
        username="ledger",
        storage_encrypted=encrypted,
    )

for name, port in (("sg_ssh_open", 22), ("sg_https", 443)):
    aws.ec2.SecurityGroup(
        name,
        name=name.replace("_", "-"),
        description="from anywhere",
        ingress=[{"description": "in", "protocol": "tcp", "from_port": port, "to_port": port,
                  "cidr_blocks": ["0.0.0.0/0"]}],
    )

aws.ssm.Parameter("plain_parameter", type="String", value="x")  # mapped by the rule, not the table

cluster = k8s.Provider("cluster", context="test")
for name, privileged in (("privileged-app", True), ("unprivileged-app", False)):
    k8s.apps.v1.Deployment(
        name,
        metadata={"name": name, "namespace": "default"},
        spec={
            "replicas": 1,
            "selector": {"match_labels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "app", "image": "nginx:1.27",
                                         "security_context": {"privileged": privileged}}]},
            },
        },
        opts=pulumi.ResourceOptions(provider=cluster),
    )
k8s.networking.v1.NetworkPolicy(
    "unprivileged-app-policy",
    metadata={"name": "unprivileged-app", "namespace": "default"},
    spec={"pod_selector": {"match_labels": {"app": "unprivileged-app"}}, "policy_types": ["Ingress"]},
    opts=pulumi.ResourceOptions(provider=cluster),
)

signed = aws.route53.Zone("zone_signed", name="signed.example.com")
signing_key = aws.route53.KeySigningKey(
    "zone_signed_ksk",
    hosted_zone_id=signed.zone_id,
    key_management_service_arn="arn:aws:kms:us-east-1:123456789012:key/dnssec",
    name="signed_ksk",
)
aws.route53.HostedZoneDnsSec("zone_signed_dnssec", hosted_zone_id=signing_key.hosted_zone_id)
query_logs = aws.cloudwatch.LogGroup("zone_signed_queries", name="/aws/route53/signed.example.com")
aws.route53.QueryLog("zone_signed_query_log", zone_id=signed.zone_id, cloudwatch_log_group_arn=query_logs.arn)
aws.route53.Zone("zone_plain", name="plain.example.com")
"""


@pytest.fixture(scope="session")
def verdict_graph(tmp_path_factory: pytest.TempPathFactory) -> ResourceGraph:
    return run_program(write_program(tmp_path_factory.mktemp("verdicts"), VERDICT_PROGRAM), STACK)


@pytest.fixture(scope="session")
def verdict_scan(verdict_graph: ResourceGraph) -> CheckovScan:
    """The program bridged and scanned by checkov (one run)."""
    return scan_graph(verdict_graph)


@pytest.fixture(scope="session")
def handwritten_results() -> list[CheckResult]:
    """checkov on the hand-written Terraform and manifests (one run, `-d`)."""
    return check_results(run_checkov(FIXTURES, ("terraform", "kubernetes")))
