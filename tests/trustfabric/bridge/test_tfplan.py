"""Graph -> Terraform plan JSON and Kubernetes manifests: shape, references, unknowns, secrets, unmapped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tests.trustfabric.helpers import STACK, write_program
from trustfabric.bridge.k8s import api_version_kind, write_manifests
from trustfabric.bridge.tfplan import SECRET_PLACEHOLDER, address_name, build_plan, singular
from trustfabric.engine import run_program

PROGRAM = """
import pulumi
import pulumi_aws as aws
import pulumi_vault as vault

class Records(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("test:storage:Records", name, None, opts)
        bucket = aws.s3.Bucket("records", tags={"data-classification": "confidential"},
                               opts=pulumi.ResourceOptions(parent=self))
        aws.s3.BucketVersioning("records-versioning", bucket=bucket.id,
                                versioning_configuration={"status": "Enabled"},
                                opts=pulumi.ResourceOptions(parent=self))
        aws.s3.BucketLifecycleConfiguration("records-lifecycle", bucket=bucket.id, rules=[
            {"id": "expire", "status": "Enabled", "expiration": {"days": 400},
             "transitions": [{"days": 30, "storage_class": "GLACIER"}]}],
            opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({})

Records("store")
aws.rds.Instance("db/main", engine="postgres", instance_class="db.t4g.micro", allocated_storage=20,
                 username="ledger", password=pulumi.Output.secret("hunter2"), storage_encrypted=True)
vault.Policy("reader", policy='path "kv/*" { capabilities = ["read"] }')
"""


def _plan() -> Any:
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        return build_plan(run_program(write_program(Path(scratch), PROGRAM), STACK))


BRIDGED = _plan()
PLANNED = {r["address"]: r for r in BRIDGED.plan["planned_values"]["root_module"]["resources"]}
CONFIGURED = {r["address"]: r for r in BRIDGED.plan["configuration"]["root_module"]["resources"]}


def test_plan_header_and_provider() -> None:
    assert BRIDGED.plan["format_version"] == "1.2"
    assert BRIDGED.plan["terraform_version"]
    resource = PLANNED["aws_s3_bucket.records"]
    assert resource["mode"] == "managed"
    assert resource["type"] == "aws_s3_bucket"
    assert resource["name"] == "records"
    assert resource["provider_name"] == "registry.terraform.io/hashicorp/aws"
    changes = {c["address"]: c for c in BRIDGED.plan["resource_changes"]}
    assert changes["aws_s3_bucket.records"]["change"]["actions"] == ["create"]
    assert changes["aws_s3_bucket.records"]["change"]["after"] == resource["values"]


def test_values_are_snake_case_blocks_as_lists_singular_ints_and_tags() -> None:
    versioning = PLANNED["aws_s3_bucket_versioning.records-versioning"]["values"]
    assert versioning["versioning_configuration"] == [{"status": "Enabled"}]
    lifecycle = PLANNED["aws_s3_bucket_lifecycle_configuration.records-lifecycle"]["values"]
    assert lifecycle["rule"] == [
        {
            "id": "expire",
            "status": "Enabled",
            "expiration": [{"days": 400}],
            "transition": [{"days": 30, "storage_class": "GLACIER"}],
        }
    ]
    bucket = PLANNED["aws_s3_bucket.records"]["values"]
    assert bucket["tags"] == {"data-classification": "confidential"}
    assert isinstance(PLANNED["aws_db_instance.db_main"]["values"]["allocated_storage"], int)


def test_passed_through_ids_become_references() -> None:
    expressions = CONFIGURED["aws_s3_bucket_versioning.records-versioning"]["expressions"]
    assert expressions["bucket"] == {"references": ["aws_s3_bucket.records.id", "aws_s3_bucket.records"]}
    assert "bucket" not in PLANNED["aws_s3_bucket_versioning.records-versioning"]["values"]


def test_secrets_never_reach_the_plan() -> None:
    db = PLANNED["aws_db_instance.db_main"]
    assert db["values"]["password"] == SECRET_PLACEHOLDER
    assert db["sensitive_values"] == {"password": True}
    assert "hunter2" not in str(BRIDGED.plan)


def test_addresses_map_back_and_unmapped_is_reported() -> None:
    assert BRIDGED.addresses["aws_db_instance.db_main"].endswith("::db/main")
    reasons = {(item.type, item.name): item.reason for item in BRIDGED.unmapped}
    assert reasons[("vault:index/policy:Policy", "reader")].startswith("checkov has no checks for the vault")
    assert reasons[("test:storage:Records", "store")].startswith("component")


def test_names_and_plurals() -> None:
    assert address_name("db/main") == "db_main"
    assert address_name("1st") == "r_1st"
    assert singular("rules") == "rule"
    assert singular("policies") == "policy"
    assert singular("log_publishing_options") == "log_publishing_options"
    assert singular("string_equals") == "string_equals"


def test_kubernetes_manifests(tmp_path: Path) -> None:
    from .conftest import VERDICT_PROGRAM

    graph = run_program(write_program(tmp_path, VERDICT_PROGRAM), STACK)
    files, unmapped = write_manifests(graph, tmp_path / "k8s")
    assert unmapped == []
    assert sorted(files) == [
        "0000-deployment-privileged-app.yaml",
        "0001-deployment-unprivileged-app.yaml",
        "0002-networkpolicy-unprivileged-app.yaml",
    ]
    policy = yaml.safe_load((tmp_path / "k8s" / "0002-networkpolicy-unprivileged-app.yaml").read_text())
    assert (policy["apiVersion"], policy["kind"]) == ("networking.k8s.io/v1", "NetworkPolicy")
    assert policy["spec"] == {"podSelector": {"matchLabels": {"app": "unprivileged-app"}}, "policyTypes": ["Ingress"]}
    document = yaml.safe_load((tmp_path / "k8s" / "0000-deployment-privileged-app.yaml").read_text())
    assert document["apiVersion"] == "apps/v1"
    assert document["kind"] == "Deployment"
    assert document["metadata"] == {"name": "privileged-app", "namespace": "default"}
    container = document["spec"]["template"]["spec"]["containers"][0]
    assert container["securityContext"] == {"privileged": True}
    assert document["spec"]["replicas"] == 1
    assert api_version_kind("kubernetes:core/v1:Service") == ("v1", "Service")
    assert api_version_kind("kubernetes:helm.sh/v3:Release") is None
