"""aws-backup-plan-statutory-retention: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/backup.py.
"""

import math

from policies.aws.backup.plan_statutory_retention import POLICY as PLAN_RETENTION
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details as _details
from tests.policies.programs import program_graph
from tests.policies.programs.backup import BROKEN, COMPLIANT


def test_compliant_backup_and_retention_pass():
    graph = program_graph(COMPLIANT)
    assert evaluate(PLAN_RETENTION, graph) == [], PLAN_RETENTION.name


def test_every_way_to_break_backup_and_retention():
    graph = program_graph(BROKEN)
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


def test_config_changes_the_thresholds():
    graph = program_graph(BROKEN)
    assert "records" not in dict(_details(evaluate(PLAN_RETENTION, graph, {"retentionDaysEU": 2555})))


def test_unknown_values_are_never_a_pass():
    plan = resource("aws:backup/plan:Plan", {"rules": UNKNOWN, "tags": {"jurisdiction": "UK"}}, name="p")
    assert [d.detail for d in evaluate(PLAN_RETENTION, plan)] == [
        "Backup plan 'p': its rules are not known during preview; keep one rule for at least 2192 days literally."
    ]


def test_statutory_retention_is_ceil_of_years_times_365_25_days():
    """Each jurisdiction's period counts every leap day it can span: ceil(years x 365.25) days, never fewer."""
    from policies.aws.backup.plan_statutory_retention import META, STATUTORY_DAYS
    from policies.lib.facts import JURISDICTIONS

    assert STATUTORY_DAYS == {"UK": 2192, "EU": 3653, "US": 2557, "CA": 2192}
    for code, jurisdiction in JURISDICTIONS.items():
        exact = jurisdiction.retention_years * 365.25
        assert STATUTORY_DAYS[code] == math.ceil(exact), code  # quarter days are exact in binary floats
        assert STATUTORY_DAYS[code] >= exact
        assert META.floors[f"retentionDays{code}"] == STATUTORY_DAYS[code]


def test_one_day_short_of_the_statutory_period_fails_and_the_period_itself_passes():
    def plan(days: int):
        return resource(
            "aws:backup/plan:Plan",
            {"rules": [{"ruleName": "r", "lifecycle": {"deleteAfter": float(days)}}], "tags": {"jurisdiction": "UK"}},
            name="p",
        )

    assert evaluate(PLAN_RETENTION, plan(2192)) == []
    assert [d.detail for d in evaluate(PLAN_RETENTION, plan(2191))] == [
        "Backup plan 'p' protects unclassified (treated as confidential) UK records but the longest rule keeps "
        "2191 days; set a rule's lifecycle delete_after to at least 2192 days (statutory retention)."
    ]
