"""aws-backup-data-store-covered: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/backup.py.
"""

from policies.stack.backup_data_store_covered import POLICY as COVERED
from tests.policies.harness import UNKNOWN, evaluate, graph_of, resource
from tests.policies.programs import details as _details
from tests.policies.programs import program_graph
from tests.policies.programs.backup import BROKEN, COMPLIANT


def test_compliant_backup_and_retention_pass():
    graph = program_graph(COMPLIANT)
    assert evaluate(COVERED, graph) == [], COVERED.name


def test_every_way_to_break_backup_and_retention():
    graph = program_graph(BROKEN)
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
