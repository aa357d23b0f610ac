"""aws-rds-backup-retention: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/backup.py.
"""

from policies.aws.rds.backup_retention import POLICY as RDS_RETENTION
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details as _details
from tests.policies.programs import program_graph
from tests.policies.programs.backup import BROKEN, COMPLIANT


def test_compliant_backup_and_retention_pass():
    graph = program_graph(COMPLIANT)
    assert evaluate(RDS_RETENTION, graph) == [], RDS_RETENTION.name


def test_every_way_to_break_backup_and_retention():
    graph = program_graph(BROKEN)
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


def test_config_changes_the_thresholds():
    graph = program_graph(BROKEN)
    assert [d.detail for d in evaluate(RDS_RETENTION, graph, {"minimumDays": 3})] == [
        "RDS cluster 'aurora' keeps automated backups for 1 day(s); set backup_retention_period to at least 3."
    ]


def test_unknown_values_are_never_a_pass():
    db = resource("aws:rds/cluster:Cluster", {"backupRetentionPeriod": UNKNOWN}, name="c")
    assert [d.detail for d in evaluate(RDS_RETENTION, db)] == [
        "RDS cluster 'c': backup_retention_period is not known during preview; set it literally to at least 7 days."
    ]
