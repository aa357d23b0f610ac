"""stack-dr-readiness-replica-in-paired-region: the real prod and dr stacks pass; dropping a replica fails."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pulumi
import pytest

from policies.stack.dr_readiness import POLICY
from tests.policies.harness import UNKNOWN, evaluate, graph_of, resource, run_snippet
from trustfabric.engine import run_program
from trustfabric.graph import ResourceGraph

REPO_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def prod(stack_graph: Callable[[str], ResourceGraph]) -> ResourceGraph:
    """The run's one preview of prod (tests/conftest.py `stack_graph`): never mutated here."""
    return stack_graph("prod")


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


def test_the_real_prod_dr_and_dev_stacks_pass(prod, stack_graph: Callable[[str], ResourceGraph]):
    assert evaluate(POLICY, prod) == []
    assert evaluate(POLICY, stack_graph("dr")) == []
    # dev is single-region by design: its `stack` tag is not one of pairedStacks.
    assert evaluate(POLICY, stack_graph("dev")) == []


def test_a_table_without_its_replica_fails():
    graph = run_program(
        REPO_ROOT,
        "prod",
        transformations=[without("aws:dynamodb/table:Table", "uk-ledger-events-table", "replicas")],
    )
    (diagnostic,) = evaluate(POLICY, graph)
    assert diagnostic.detail == (
        "DynamoDB table 'uk-ledger-events-table' (UK, eu-west-2) has no replica in the paired region eu-west-1; "
        "add replicas=[{region_name: 'eu-west-1', kms_key_arn: <the data key's replica>}]. Its tier 'tier0' fails "
        "over within RPO 1 min / RTO 15 min, which a backup copy cannot meet (restoring one takes up to the tier's "
        "restore RTO of 240 min)."
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
        "global_cluster_identifier so that the cell's other member runs in the paired region us-west-2. Its tier "
        "'tier0' fails over within RPO 1 min / RTO 15 min, which a backup copy cannot meet (restoring one takes up "
        "to the tier's restore RTO of 240 min)."
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
        "us-west-2 cannot be proven. Its tier 'tier0' (the strictest: it has no backup-tier tag) fails over within "
        "RPO 1 min / RTO 15 min, which a backup copy cannot meet (restoring one takes up to the tier's restore RTO "
        "of 240 min)."
    ]


def test_a_vault_no_rule_targets_fails_and_unpaired_stacks_are_not_judged():
    vault = resource(
        "aws:backup/vault:Vault",
        {"name": "lonely", "kmsKeyArn": "arn:aws:kms:eu-west-2:123456789012:key/k"},
        name="lonely",
        provider_inputs={"defaultTags": {"tags": {"jurisdiction": "UK"}}},
    )
    assert details(vault) == [
        "Backup vault 'lonely' (UK, eu-west-2): no backup plan rule targets it and it receives no copies; add a "
        "copy action to the cell's vault in the paired region eu-west-1 on every rule targeting it, or, for a copy "
        "target, tag it backup-copy-source=<the ARN of the vault in eu-west-1 that copies into it>."
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


COPY_TARGETS = """
import pulumi, pulumi_aws as aws
def provider(name, region, stack):
    return pulumi.ResourceOptions(provider=aws.Provider(name, region=region, default_tags={"tags": {
        "jurisdiction": "UK", "stack": stack}}))
prod, dr = provider("prod", "eu-west-2", "prod"), provider("dr", "eu-west-1", "prod")
primary = aws.backup.Vault("primary", name="trustfabric-prod-uk-eu-west-2", opts=prod)
copies = aws.backup.Vault("copies", name="trustfabric-prod-uk-eu-west-1", opts=dr)
auto_named = aws.backup.Vault("auto-named", opts=dr)
aws.backup.Plan("records", rules=[{"rule_name": "daily", "target_vault_name": primary.name, "copy_actions": [
    {"destination_vault_arn": "arn:aws:backup:eu-west-1:123456789012:backup-vault:trustfabric-prod-uk-eu-west-1"},
    {"destination_vault_arn": auto_named.arn}]}], opts=prod)
# A copy target whose source plan is declared by another stack says so with a tag.
aws.backup.Vault("from-prod", tags={"backup-copy-source":
    "arn:aws:backup:eu-west-2:123456789012:backup-vault:trustfabric-prod-uk-eu-west-2"}, opts=dr)
"""

BROKEN_COPY_TARGETS = """
import pulumi, pulumi_aws as aws
def provider(name, region):
    return pulumi.ResourceOptions(provider=aws.Provider(name, region=region, default_tags={"tags": {
        "jurisdiction": "UK", "stack": "dr"}}))
prod, dr = provider("prod", "eu-west-2"), provider("dr", "eu-west-1")
primary = aws.backup.Vault("primary", name="primary", opts=prod)
local = aws.backup.Vault("local", name="local", opts=prod)
aws.backup.Plan("records", rules=[{"rule_name": "daily", "target_vault_name": primary.name, "copy_actions": [
    {"destination_vault_arn": "arn:aws:backup:eu-west-1:123456789012:backup-vault:elsewhere"},
    {"destination_vault_arn": local.arn}]}], opts=prod)
aws.backup.Vault("mislabelled", tags={"backup-copy-source":
    "arn:aws:backup:eu-west-3:123456789012:backup-vault:trustfabric-prod-uk-eu-west-3"}, opts=dr)
aws.backup.Vault("orphan", name="orphan", opts=dr)
"""


def test_copy_destinations_pass_by_a_copy_action_in_the_graph_or_by_their_source_tag(tmp_path):
    """The dr vault prod copies into, a vault another stack copies into: no rule targets them, and that is right."""
    assert evaluate(POLICY, run_snippet(tmp_path, COPY_TARGETS)) == []


def test_a_copy_destination_must_receive_its_copies_from_the_paired_region(tmp_path):
    found = sorted(
        (d.urn.rsplit("::", 1)[1], d.detail) for d in evaluate(POLICY, run_snippet(tmp_path, BROKEN_COPY_TARGETS))
    )
    assert found == [
        (
            "local",
            "Backup vault 'local' (UK, eu-west-2) receives copies only from eu-west-2, not from the paired region "
            "eu-west-1; copy into it from the cell's plans in eu-west-1.",
        ),
        (
            "mislabelled",
            "Backup vault 'mislabelled' (UK, eu-west-1) is tagged as the copy target of "
            "'arn:aws:backup:eu-west-3:123456789012:backup-vault:trustfabric-prod-uk-eu-west-3', which is not in the "
            "paired region eu-west-2; tag it with the ARN of the same cell's vault in eu-west-2.",
        ),
        (
            "orphan",
            "Backup vault 'orphan' (UK, eu-west-1): no backup plan rule targets it and it receives no copies; add a "
            "copy action to the cell's vault in the paired region eu-west-2 on every rule targeting it, or, for a "
            "copy target, tag it backup-copy-source=<the ARN of the vault in eu-west-2 that copies into it>.",
        ),
    ]


def test_unknown_copy_evidence_is_never_a_pass():
    tags = {"defaultTags": {"tags": {"jurisdiction": "UK", "stack": "dr"}}}
    tagged = resource(
        "aws:backup/vault:Vault",
        {"tags": {"backup-copy-source": UNKNOWN}},
        name="v",
        region="eu-west-1",
        provider_inputs=tags,
    )
    assert details(tagged) == [
        "Backup vault 'v': the backup-copy-source tag is not known during preview; its replica in the paired region "
        "eu-west-2 cannot be proven."
    ]
    vault = resource("aws:backup/vault:Vault", {"name": "v"}, name="v", region="eu-west-1", provider_inputs=tags)
    plan = resource(
        "aws:backup/plan:Plan",
        {"rules": [{"ruleName": "r", "targetVaultName": "other", "copyActions": [{"destinationVaultArn": UNKNOWN}]}]},
        name="p",
        region="eu-west-1",  # graph_of: one explicit provider for both
        provider_inputs=tags,
    )
    assert [d.detail for d in evaluate(POLICY, graph_of(vault, plan)) if "'v'" in d.detail] == [
        "Backup vault 'v': a copy action's destination vault is not known during preview; its replica in the paired "
        "region eu-west-2 cannot be proven."
    ]


def test_the_copy_source_tag_is_the_one_the_tag_contract_documents():
    from domain.tags import BACKUP_COPY_SOURCE
    from policies.stack.dr_readiness import COPY_SOURCE_TAG

    assert COPY_SOURCE_TAG == BACKUP_COPY_SOURCE == "backup-copy-source"


def test_backup_coverage_does_not_judge_copy_destinations_either(tmp_path):
    """aws-backup-data-store-covered judges data stores; a vault (copy destination or not) is not one."""
    from policies.stack.backup_data_store_covered import POLICY as COVERED

    graph = run_snippet(tmp_path, BROKEN_COPY_TARGETS)
    assert evaluate(COVERED, graph) == []
    bucket = resource("aws:s3/bucket:Bucket", {"bucket": "b"}, name="b")
    assert len(evaluate(COVERED, graph_of(graph, bucket))) == 1  # it does judge the stores beside them
