"""Backup and retention: coverage by selections, statutory plan retention, RDS, CloudTrail, log retention."""

from policies.aws.backup.plan_statutory_retention import POLICY as PLAN_RETENTION
from policies.aws.cloudtrail.multi_region_validation import POLICY as TRAIL
from policies.aws.cloudwatch.log_group_retention import POLICY as LOG_RETENTION
from policies.aws.rds.backup_retention import POLICY as RDS_RETENTION
from policies.stack.backup_data_store_covered import POLICY as COVERED
from tests.policies.harness import UNKNOWN, evaluate, graph_of, resource, run_snippet

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


def _details(diagnostics):
    return sorted((d.urn.rsplit("::", 1)[1], d.detail) for d in diagnostics)


def test_compliant_backup_and_retention_pass(tmp_path):
    graph = run_snippet(tmp_path, COMPLIANT)
    for policy in (COVERED, PLAN_RETENTION, RDS_RETENTION, TRAIL, LOG_RETENTION):
        assert evaluate(policy, graph) == [], policy.name


def test_every_way_to_break_backup_and_retention(tmp_path):
    graph = run_snippet(tmp_path, BROKEN)
    fix = (
        "is not covered by AWS Backup; list its ARN in an aws.backup.Selection's resources or give it a tag that "
        "a selection's selection_tags select."
    )
    assert _details(evaluate(COVERED, graph)) == [
        ("aurora", f"RDS cluster 'aurora' {fix}"),
        (
            "cache",
            "ElastiCache replication group 'cache' keeps no automatic snapshots; set snapshot_retention_limit to "
            "at least 1.",
        ),
        ("db", f"RDS instance 'db' {fix}"),
        ("orphan", f"S3 bucket 'orphan' {fix}"),
        (
            "search",
            "OpenSearch domain 'search' has no automated snapshot schedule; set "
            "snapshot_options.automated_snapshot_start_hour.",
        ),
        ("sessions", f"DynamoDB table 'sessions' {fix}"),
    ]
    assert _details(evaluate(PLAN_RETENTION, graph)) == [
        (
            "records",
            "Backup plan 'records' protects restricted EU records but the longest rule keeps 2555 days; set a "
            "rule's lifecycle delete_after to at least 3653 days (statutory retention).",
        ),
        (
            "untagged",
            "Backup plan 'untagged' protects unclassified (treated as confidential) strictest (EU, jurisdiction "
            "not known) records but the longest rule keeps 365 days; set a rule's lifecycle delete_after to at "
            "least 3653 days (statutory retention).",
        ),
    ]
    assert _details(evaluate(RDS_RETENTION, graph)) == [
        (
            "aurora",
            "RDS cluster 'aurora' keeps automated backups for 1 day(s); set backup_retention_period to at least 7.",
        ),
        (
            "db",
            "RDS instance 'db' keeps automated backups for 3 day(s); set backup_retention_period to at least 7.",
        ),
    ]
    assert _details(evaluate(TRAIL, graph)) == [
        (
            "local",
            "CloudTrail trail 'local' does not validate its log files; set enable_log_file_validation=True.",
        ),
        ("local", "CloudTrail trail 'local' records only its own region; set is_multi_region_trail=True."),
    ]
    assert _details(evaluate(LOG_RETENTION, graph)) == [
        (
            "app",
            "CloudWatch log group 'app' keeps events for 30 days; set retention_in_days to at least 365.",
        ),
    ]


def test_config_changes_the_thresholds(tmp_path):
    graph = run_snippet(tmp_path, BROKEN)
    assert _details(evaluate(LOG_RETENTION, graph, {"minimumDays": 30})) == []
    assert [d.detail for d in evaluate(RDS_RETENTION, graph, {"minimumDays": 3})] == [
        "RDS cluster 'aurora' keeps automated backups for 1 day(s); set backup_retention_period to at least 3."
    ]
    assert "records" not in dict(_details(evaluate(PLAN_RETENTION, graph, {"retentionDaysEU": 2555})))


def test_unknown_values_are_never_a_pass():
    bucket = resource("aws:s3/bucket:Bucket", {"tags": UNKNOWN}, name="b")
    selection = resource(
        "aws:backup/selection:Selection",
        {
            "planId": "p",
            "iamRoleArn": "r",
            "selectionTags": [{"type": "STRINGEQUALS", "key": "k", "value": "v"}],
        },
        name="s",
    )
    assert [d.detail for d in evaluate(COVERED, graph_of(bucket, selection))] == [
        "S3 bucket 'b': backup coverage cannot be proven during preview (a selection's resources or tags, or the "
        "store's tags, are not known); reference the store from an aws.backup.Selection."
    ]
    plan = resource("aws:backup/plan:Plan", {"rules": UNKNOWN, "tags": {"jurisdiction": "UK"}}, name="p")
    assert [d.detail for d in evaluate(PLAN_RETENTION, plan)] == [
        "Backup plan 'p': its rules are not known during preview; keep one rule for at least 2192 days literally."
    ]
    db = resource("aws:rds/cluster:Cluster", {"backupRetentionPeriod": UNKNOWN}, name="c")
    assert [d.detail for d in evaluate(RDS_RETENTION, db)] == [
        "RDS cluster 'c': backup_retention_period is not known during preview; set it literally to at least 7 days."
    ]
    trail = resource(
        "aws:cloudtrail/trail:Trail",
        {"isMultiRegionTrail": UNKNOWN, "enableLogFileValidation": True},
        name="t",
    )
    assert [d.detail for d in evaluate(TRAIL, trail)] == [
        "CloudTrail trail 't': is_multi_region_trail is not known during preview; set it to True literally."
    ]
    group = resource("aws:cloudwatch/logGroup:LogGroup", {"retentionInDays": UNKNOWN}, name="g")
    assert [d.detail for d in evaluate(LOG_RETENTION, group)] == [
        "CloudWatch log group 'g': retention_in_days is not known during preview; set it literally to at least 365."
    ]
