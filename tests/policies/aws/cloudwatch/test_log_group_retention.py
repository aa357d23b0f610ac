"""aws-cloudwatch-log-group-retention: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/backup.py.
"""

from policies.aws.cloudwatch.log_group_retention import POLICY as LOG_RETENTION
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details as _details
from tests.policies.programs import program_graph
from tests.policies.programs.backup import BROKEN, COMPLIANT


def test_compliant_backup_and_retention_pass():
    graph = program_graph(COMPLIANT)
    assert evaluate(LOG_RETENTION, graph) == [], LOG_RETENTION.name


def test_every_way_to_break_backup_and_retention():
    graph = program_graph(BROKEN)
    assert _details(evaluate(LOG_RETENTION, graph)) == [
        (
            "app",
            "CloudWatch log group 'app' keeps events for 30 days; set retention_in_days to at least 365.",
        ),
    ]


def test_config_changes_the_thresholds():
    graph = program_graph(BROKEN)
    assert _details(evaluate(LOG_RETENTION, graph, {"minimumDays": 30})) == []


def test_unknown_values_are_never_a_pass():
    group = resource("aws:cloudwatch/logGroup:LogGroup", {"retentionInDays": UNKNOWN}, name="g")
    assert [d.detail for d in evaluate(LOG_RETENTION, group)] == [
        "CloudWatch log group 'g': retention_in_days is not known during preview; set it literally to at least 365."
    ]
