"""Residency: resource regions and replication/copy destinations against the jurisdiction's allowed regions."""

from domain.residency import as_policy_config
from policies.aws.governance.resource_region_in_jurisdiction import POLICY as REGION
from policies.stack.destination_region_in_jurisdiction import POLICY as DESTINATION
from tests.policies.harness import UNKNOWN, evaluate, graph_of, resource, run_snippet

PROVIDERS = """
import pulumi, pulumi_aws as aws
uk = aws.Provider("uk", region="eu-west-2", default_tags={"tags": {"jurisdiction": "UK"}})
uk_dr = aws.Provider("uk-dr", region="eu-west-1", default_tags={"tags": {"jurisdiction": "UK"}})
us = aws.Provider("us", region="us-east-1", default_tags={"tags": {"jurisdiction": "US"}})
UK, UK_DR, US = (pulumi.ResourceOptions(provider=p) for p in (uk, uk_dr, us))
"""

COMPLIANT = (
    PROVIDERS
    + """
source = aws.s3.Bucket("ledger", opts=UK)
replica = aws.s3.Bucket("ledger-replica", opts=UK_DR)
aws.s3.BucketReplicationConfig("ledger", bucket=source.id, role="arn:aws:iam::123456789012:role/r", rules=[
    {"id": "all", "status": "Enabled", "destination": {"bucket": replica.arn}},
    {"id": "named", "status": "Enabled", "destination": {"bucket": "arn:aws:s3:::ledger-uk-eu-west-1"}}],
    opts=UK)
table = aws.dynamodb.Table("invoices", hash_key="id", attributes=[{"name": "id", "type": "S"}],
    replicas=[{"region_name": "eu-west-1"}], opts=UK)
aws.dynamodb.TableReplica("invoices-dr", global_table_arn=table.arn, opts=UK_DR)
aws.secretsmanager.Secret("api", replicas=[{"region": "eu-west-1"}], opts=UK)
dr_vault = aws.backup.Vault("dr-vault", opts=UK_DR)
aws.backup.Plan("records", rules=[{"rule_name": "r", "target_vault_name": "v", "copy_actions": [
    {"destination_vault_arn": dr_vault.arn},
    {"destination_vault_arn": "arn:aws:backup:eu-west-1:123456789012:backup-vault:elsewhere"}]}], opts=UK)
glob = aws.rds.GlobalCluster("ledger", global_cluster_identifier="ledger", engine="aurora-postgresql", opts=UK)
aws.rds.Cluster("primary", engine="aurora-postgresql", global_cluster_identifier=glob.id, opts=UK)
aws.rds.Cluster("secondary", engine="aurora-postgresql", global_cluster_identifier=glob.id, opts=UK_DR)
aws.iam.Role("untagged", assume_role_policy="{}")
"""
)

BROKEN = (
    PROVIDERS
    + """
source = aws.s3.Bucket("ledger", opts=UK)
us_bucket = aws.s3.Bucket("us-copy", opts=US)
aws.s3.BucketReplicationConfig("ledger", bucket=source.id, role="arn:aws:iam::123456789012:role/r", rules=[
    {"id": "us", "status": "Enabled", "destination": {"bucket": us_bucket.arn}},
    {"id": "nowhere", "status": "Enabled", "destination": {"bucket": "arn:aws:s3:::archive"}}])
table = aws.dynamodb.Table("invoices", hash_key="id", attributes=[{"name": "id", "type": "S"}],
    replicas=[{"region_name": "us-west-2"}], opts=UK)
aws.dynamodb.TableReplica("invoices-us", global_table_arn=table.arn, opts=US)
aws.secretsmanager.Secret("api", replicas=[{"region": "eu-central-1"}], opts=UK)
aws.backup.Plan("records", rules=[{"rule_name": "r", "target_vault_name": "v", "copy_actions": [
    {"destination_vault_arn": "arn:aws:backup:us-east-1:123456789012:backup-vault:far"}]}], opts=UK)
glob = aws.rds.GlobalCluster("ledger", global_cluster_identifier="ledger", engine="aurora-postgresql", opts=UK)
aws.rds.Cluster("primary", engine="aurora-postgresql", global_cluster_identifier=glob.id, opts=UK)
aws.rds.Cluster("far", engine="aurora-postgresql", global_cluster_identifier="ledger", tags={"jurisdiction": "US"},
    opts=US)
aws.sqs.Queue("misplaced", tags={"jurisdiction": "EU"}, opts=UK)
aws.sqs.Queue("martian", tags={"jurisdiction": "MARS"}, opts=UK)
"""
)

UK_ALLOWED = "outside UK's allowed regions eu-west-2, eu-west-1; point it at the cell's paired region."


def _details(diagnostics):
    return sorted((d.urn.rsplit("::", 1)[1], d.detail) for d in diagnostics)


def test_resources_and_destinations_in_the_jurisdiction_pass(tmp_path):
    graph = run_snippet(tmp_path, COMPLIANT)
    assert evaluate(REGION, graph) == []
    assert evaluate(DESTINATION, graph) == []


def test_resources_outside_their_jurisdiction(tmp_path):
    graph = run_snippet(tmp_path, BROKEN)
    assert _details(evaluate(REGION, graph)) == [
        (
            "martian",
            "AWS resource 'martian' has jurisdiction 'MARS', which is not a known jurisdiction; use one of UK, EU, "
            "US, CA.",
        ),
        (
            "misplaced",
            "AWS resource 'misplaced' (EU data) is in eu-west-2, outside EU's allowed regions eu-central-1, "
            "eu-west-1, eu-west-3, eu-north-1; create it with the cell's provider for an allowed region.",
        ),
    ]


def test_destinations_outside_the_jurisdiction(tmp_path):
    graph = run_snippet(tmp_path, BROKEN)
    assert _details(evaluate(DESTINATION, graph)) == [
        (
            "api",
            f"Secrets Manager secret 'api' (UK data) replicates to eu-central-1 in eu-central-1, {UK_ALLOWED}",
        ),
        (
            "far",
            f"Aurora cluster 'far' (UK data) joins global database 'ledger' and is placed in us-east-1, {UK_ALLOWED}",
        ),
        (
            "invoices",
            f"DynamoDB table 'invoices' (UK data) has a replica in us-west-2 in us-west-2, {UK_ALLOWED}",
        ),
        (
            "invoices-us",
            f"DynamoDB table replica 'invoices-us' (UK data) is placed in us-east-1, {UK_ALLOWED}",
        ),
        (
            "ledger",
            "S3 replication configuration 'ledger' (UK data) replicates to bucket 'arn:aws:s3:::archive' whose "
            "region is not known; declare it in this stack or use an ARN in one of eu-west-2, eu-west-1.",
        ),
        (
            "ledger",
            "S3 replication configuration 'ledger' (UK data) replicates to bucket 'arn:aws:s3:::us-copy-"
            f"{_suffix(graph, 'us-copy')}' in us-east-1, {UK_ALLOWED}",
        ),
        (
            "primary",
            "Aurora cluster 'primary' (US data) joins global database 'ledger' and is placed in eu-west-2, outside "
            "US's allowed regions us-east-1, us-east-2, us-west-2; point it at the cell's paired region.",
        ),
        (
            "records",
            "Backup plan 'records' (UK data) copies to vault 'arn:aws:backup:us-east-1:123456789012:"
            f"backup-vault:far' in us-east-1, {UK_ALLOWED}",
        ),
    ]


def _suffix(graph, name):
    replication = next(r for r in graph if r.type.startswith("aws:s3/bucketReplicationConfig"))
    arn = next(rule["destination"]["bucket"] for rule in replication.inputs["rules"] if name in str(rule))
    return arn.rsplit("-", 1)[1]


def test_unknown_values_are_never_a_pass():
    queue = resource("aws:sqs/queue:Queue", {"tags": {"jurisdiction": "UK"}}, name="q", region=None)
    assert [d.detail for d in evaluate(REGION, queue)] == [
        "AWS resource 'q' (UK data): its region is not known during preview; create it with a provider for one of "
        "eu-west-2, eu-west-1."
    ]
    unknown_tag = resource("aws:sqs/queue:Queue", {"tags": {"jurisdiction": UNKNOWN}}, name="q")
    assert [d.detail for d in evaluate(REGION, unknown_tag)] == [
        "AWS resource 'q': its jurisdiction tag is not known during preview; set it literally so residency can be "
        "judged."
    ]
    table = resource(
        "aws:dynamodb/table:Table",
        {"tags": {"jurisdiction": "UK"}, "replicas": [{"regionName": UNKNOWN}]},
        name="t",
    )
    plan = resource("aws:backup/plan:Plan", {"tags": {"jurisdiction": "UK"}, "rules": UNKNOWN}, name="p")
    assert _details(evaluate(DESTINATION, graph_of(table, plan))) == [
        (
            "p",
            "Backup plan 'p' (UK data) copies to vault (rules not known) whose region is not known; declare it in "
            "this stack or use an ARN in one of eu-west-2, eu-west-1.",
        ),
        (
            "t",
            "DynamoDB table 't' (UK data) has a replica in (not known during preview) whose region is not known; "
            "declare it in this stack or use an ARN in one of eu-west-2, eu-west-1.",
        ),
    ]


def test_residency_config_overrides_the_table(tmp_path):
    graph = run_snippet(tmp_path, BROKEN)
    config = {
        "residency": {
            **as_policy_config(),
            "EU": {"allowed_regions": ["eu-west-2"]},
            "MARS": {"allowed_regions": ["eu-west-2"]},
        }
    }
    assert evaluate(REGION, graph, config) == []
