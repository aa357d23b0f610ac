"""The programs one family of policy tests shares (one compliant, one breaking every policy of it)."""

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


def suffix(graph, name):
    replication = next(r for r in graph if r.type.startswith("aws:s3/bucketReplicationConfig"))
    arn = next(rule["destination"]["bucket"] for rule in replication.inputs["rules"] if name in str(rule))
    return arn.rsplit("-", 1)[1]
