"""stack-dr-readiness-replica-in-paired-region: the real prod and dr stacks pass; dropping a replica fails."""

from __future__ import annotations

from pathlib import Path

import pulumi
import pytest

from policies.stack.dr_readiness import POLICY
from tests.policies.harness import UNKNOWN, evaluate, graph_of, resource
from trustfabric.engine import run_program
from trustfabric.graph import ResourceGraph

REPO_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def prod() -> ResourceGraph:
    return run_program(REPO_ROOT, "prod")


def without(type_: str, name: str, prop: str):
    """A stack transformation dropping one input of one resource (as a careless change would)."""

    def transformation(args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult | None:
        if args.type_ != type_ or args.name != name:
            return None
        props = {key: value for key, value in args.props.items() if key != prop}
        return pulumi.ResourceTransformationResult(props, args.opts)

    return transformation


def details(graph: ResourceGraph) -> list[str]:
    return [diagnostic.detail for diagnostic in evaluate(POLICY, graph)]


def test_the_real_prod_dr_and_dev_stacks_pass(prod):
    assert evaluate(POLICY, prod) == []
    assert evaluate(POLICY, run_program(REPO_ROOT, "dr")) == []
    # dev is single-region by design: its `stack` tag is not one of pairedStacks.
    assert evaluate(POLICY, run_program(REPO_ROOT, "dev")) == []


def test_a_table_without_its_replica_fails():
    graph = run_program(
        REPO_ROOT,
        "prod",
        transformations=[without("aws:dynamodb/table:Table", "uk-ledger-events-table", "replicas")],
    )
    (diagnostic,) = evaluate(POLICY, graph)
    assert diagnostic.detail == (
        "DynamoDB table 'uk-ledger-events-table' (UK, eu-west-2) has no replica in the paired region eu-west-1; "
        "add replicas=[{region_name: 'eu-west-1', kms_key_arn: <the data key's replica>}]."
    )
    assert diagnostic.urn.endswith("aws:dynamodb/table:Table::uk-ledger-events-table")
    assert diagnostic.enforcement == "mandatory"


def test_an_aurora_cluster_outside_the_global_database_fails():
    graph = run_program(
        REPO_ROOT,
        "prod",
        transformations=[without("aws:rds/cluster:Cluster", "us-ledger-cluster", "global_cluster_identifier")],
    )
    assert details(graph) == [
        "Aurora cluster 'us-ledger-cluster' (US, us-east-1) is not a member of a global database; set "
        "global_cluster_identifier so that the cell's other member runs in the paired region us-west-2."
    ]


def test_a_records_bucket_without_its_replication_fails(prod):
    graph = ResourceGraph(prod.project, prod.stack, prod.program_dir, dict(prod.resources), prod.outputs, prod.config)
    (urn,) = [r.urn for r in graph if r.name == "eu-records-bucket-replication"]
    del graph.resources[urn]
    assert details(graph) == [
        "S3 bucket 'eu-records-bucket' (EU, eu-central-1) has no replica in the paired region eu-west-1; add an "
        "aws.s3.BucketReplicationConfig rule whose destination is the cell's records bucket in eu-west-1."
    ]


def test_a_backup_rule_without_a_copy_to_the_paired_region_fails():
    def drop_copies(args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult | None:
        if args.type_ != "aws:backup/plan:Plan" or args.name != "ca-backup-records":
            return None
        rules = list(args.props["rules"])  # PlanRuleArgs input objects
        for rule in rules:
            pulumi.set(rule, "copy_actions", None)
        return pulumi.ResourceTransformationResult({**args.props, "rules": rules}, args.opts)

    graph = run_program(REPO_ROOT, "prod", transformations=[drop_copies])
    assert details(graph) == [
        "Backup vault 'ca-backup-vault' (CA, ca-central-1): rule 'records-daily-statutory' of plan "
        "'ca-backup-records' has no copy action into the paired region; add a copy action to the cell's vault in "
        "the paired region ca-west-1 on every rule."
    ]


def test_a_replica_target_must_name_a_source_in_the_paired_region():
    bucket = resource(
        "aws:s3/bucket:Bucket",
        {
            "bucket": "trustfabric-prod-uk-records-eu-west-1-123456789012",
            "tags": {
                "backup-tier": "records",
                "replica-of": "arn:aws:s3:::trustfabric-prod-uk-records-eu-west-3-1",
            },
        },
        name="replica",
        region="eu-west-1",
        provider_inputs={"defaultTags": {"tags": {"jurisdiction": "UK", "stack": "dr"}}},
    )
    assert details(bucket) == [
        "S3 bucket 'replica' (UK, eu-west-1) is tagged as the replica of "
        "'arn:aws:s3:::trustfabric-prod-uk-records-eu-west-3-1', which is not in the paired region eu-west-2; tag "
        "it with the ARN of the same cell's records bucket in eu-west-2."
    ]


def test_unknown_replicas_are_never_a_pass():
    table = resource(
        "aws:dynamodb/table:Table",
        {"name": "t", "replicas": UNKNOWN},
        name="ledger",
        region="us-east-1",
        provider_inputs={"defaultTags": {"tags": {"jurisdiction": "US", "stack": "prod"}}},
    )
    assert details(graph_of(table)) == [
        "DynamoDB table 'ledger': replicas is not known during preview; its replica in the paired region "
        "us-west-2 cannot be proven."
    ]


def test_a_vault_no_rule_targets_fails_and_unpaired_stacks_are_not_judged():
    vault = resource(
        "aws:backup/vault:Vault",
        {"name": "lonely", "kmsKeyArn": "arn:aws:kms:eu-west-2:123456789012:key/k"},
        name="lonely",
        provider_inputs={"defaultTags": {"tags": {"jurisdiction": "UK"}}},
    )
    assert details(vault) == [
        "Backup vault 'lonely' (UK, eu-west-2): no backup plan rule targets it; add a copy action to the cell's "
        "vault in the paired region eu-west-1 on every rule."
    ]
    # A vault without a stack tag is judged; so is one whose stack is listed in pairedStacks.
    assert len(evaluate(POLICY, vault, config={"pairedStacks": ["prod", "dr"]})) == 1
    sandbox = resource(
        "aws:backup/vault:Vault",
        {"name": "sandbox"},
        name="sandbox",
        provider_inputs={"defaultTags": {"tags": {"jurisdiction": "UK", "stack": "sandbox"}}},
    )
    assert evaluate(POLICY, sandbox) == []
