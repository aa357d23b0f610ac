"""The programs one family of policy tests shares (one compliant, one breaking every policy of it)."""

COMPLIANT = """
import pulumi, pulumi_aws as aws
uk = aws.Provider("uk", region="eu-west-2", default_tags={"tags": {"jurisdiction": "UK",
    "data-classification": "confidential", "backup": "daily"}})
opts = pulumi.ResourceOptions(provider=uk)
ledger = aws.s3.Bucket("ledger", opts=opts)
table = aws.dynamodb.Table("invoices", hash_key="id", attributes=[{"name": "id", "type": "S"}], opts=opts)
aws.rds.Instance("db", instance_class="db.t3.micro", backup_retention_period=7, opts=opts)
aws.rds.Cluster("aurora", engine="aurora-postgresql", backup_retention_period=35, opts=opts)
aws.efs.FileSystem("files", tags={"backup": "none", "backup-set": "gold"}, opts=opts)
aws.ebs.Volume("named", availability_zone="eu-west-2a", size=10, tags={"backup": "none"}, opts=opts)
aws.opensearch.Domain("search", snapshot_options={"automated_snapshot_start_hour": 2}, opts=opts)
aws.elasticache.ReplicationGroup("cache", description="c", snapshot_retention_limit=5, opts=opts)
aws.elasticache.Cluster("memcached", engine="memcached", node_type="cache.t3.micro", num_cache_nodes=1)
vault = aws.backup.Vault("vault", opts=opts)
plan = aws.backup.Plan("records", rules=[
    {"rule_name": "daily", "target_vault_name": vault.name, "lifecycle": {"delete_after": 35}},
    {"rule_name": "statutory", "target_vault_name": vault.name, "lifecycle": {"delete_after": 2193}}], opts=opts)
aws.backup.Plan("forever", rules=[{"rule_name": "r", "target_vault_name": vault.name}], opts=opts)
aws.backup.Plan("public", rules=[{"rule_name": "r", "target_vault_name": vault.name,
    "lifecycle": {"delete_after": 7}}], tags={"data-classification": "public"}, opts=opts)
aws.backup.Selection("by-arn", iam_role_arn="arn:aws:iam::123456789012:role/backup", plan_id=plan.id,
    resources=[ledger.arn, table.arn, "arn:aws:rds:eu-west-2:123456789012:db:db-*",
               "arn:aws:rds:eu-west-2:123456789012:cluster:aurora-*"])
aws.backup.Selection("by-tag", iam_role_arn="arn:aws:iam::123456789012:role/backup", plan_id=plan.id,
    selection_tags=[{"type": "STRINGEQUALS", "key": "backup-set", "value": "gold"}])
aws.backup.Selection("by-condition", iam_role_arn="arn:aws:iam::123456789012:role/backup", plan_id=plan.id,
    resources=["*"], conditions=[{"string_equals": [{"key": "aws:ResourceTag/backup", "value": "none"}]}])
aws.cloudtrail.Trail("org", s3_bucket_name="trail", is_multi_region_trail=True, enable_log_file_validation=True)
aws.cloudwatch.LogGroup("app", retention_in_days=400)
aws.cloudwatch.LogGroup("forever")
"""

BROKEN = """
import pulumi, pulumi_aws as aws
eu = aws.Provider("eu", region="eu-central-1", default_tags={"tags": {"jurisdiction": "EU"}})
aws.s3.Bucket("orphan", tags={"backup-set": "silver"})
aws.dynamodb.Table("sessions", hash_key="id", attributes=[{"name": "id", "type": "S"}], tags={"backup": "none"})
aws.rds.Instance("db", instance_class="db.t3.micro", backup_retention_period=3)
aws.rds.Cluster("aurora", engine="aurora-postgresql")
aws.opensearch.Domain("search")
aws.elasticache.ReplicationGroup("cache", description="c")
vault = aws.backup.Vault("vault")
plan = aws.backup.Plan("records", rules=[
    {"rule_name": "daily", "target_vault_name": vault.name, "lifecycle": {"delete_after": 35}},
    {"rule_name": "yearly", "target_vault_name": vault.name, "lifecycle": {"delete_after": 2555}}],
    tags={"data-classification": "restricted"}, opts=pulumi.ResourceOptions(provider=eu))
aws.backup.Plan("untagged", rules=[{"rule_name": "r", "target_vault_name": vault.name,
    "lifecycle": {"delete_after": 365}}])
aws.backup.Selection("narrow", iam_role_arn="arn:aws:iam::123456789012:role/backup", plan_id=plan.id,
    resources=["arn:aws:s3:::other-*"], selection_tags=[{"type": "STRINGEQUALS", "key": "backup-set",
    "value": "gold"}])
aws.backup.Selection("conditional", iam_role_arn="arn:aws:iam::123456789012:role/backup", plan_id=plan.id,
    resources=["*"], conditions=[{"string_equals": [{"key": "aws:ResourceTag/backup", "value": "daily"}]}])
aws.cloudtrail.Trail("local", s3_bucket_name="trail")
aws.cloudwatch.LogGroup("app", retention_in_days=30)
"""

ACCOUNTS = """
import pulumi, pulumi_aws as aws
def audit_provider(name, role_arn):
    return aws.Provider(name, region="eu-west-2", assume_roles=[aws.ProviderAssumeRoleArgs(role_arn=role_arn,
        external_id="tf-evidence", session_name="evidence")], default_tags={"tags": {"jurisdiction": "UK"}})
audit = pulumi.ResourceOptions(provider=audit_provider("audit", "arn:aws:iam::444455556666:role/deployer"))
# A role ARN computed from a value the mocks leave unknown: the account cannot be told during preview.
later = pulumi.ResourceOptions(provider=audit_provider(
    "later", aws.sqs.Queue("q").url.apply(lambda url: f"arn:aws:iam::444455556666:role/{url}")))
workload = aws.s3.Bucket("workload", tags={"jurisdiction": "UK"})
evidence = aws.s3.Bucket("evidence", opts=audit)
unproven = aws.s3.Bucket("unproven", opts=later)
stray = aws.s3.Bucket("stray", opts=audit)
role = "arn:aws:iam::123456789012:role/backup"
audit_role = "arn:aws:iam::444455556666:role/backup"
aws.backup.Selection("workload-selection", iam_role_arn=role, plan_id="p",
    resources=[workload.arn, unproven.arn, "arn:aws:s3:::stray-*"])
aws.backup.Selection("audit-selection", iam_role_arn=audit_role, plan_id="p", resources=[evidence.arn],
    conditions=[{"string_equals": [{"key": "aws:ResourceTag/jurisdiction", "value": "UK"}]}], opts=audit)
"""
"""Buckets in two accounts: each covered by its own account's selection passes (workload, evidence); one of the
audit account listed only by a workload selection (stray) is a cross-account violation; one whose provider's role
is not known (unproven) cannot be proven."""

ACCOUNTS_CROSSED = ACCOUNTS.replace("resources=[evidence.arn],", "resources=[workload.arn],").replace(
    "resources=[workload.arn, unproven.arn,", "resources=[evidence.arn,"
)
"""The same buckets with the selections swapped: each account's selection names only the other account's bucket."""
