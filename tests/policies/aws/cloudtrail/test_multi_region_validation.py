"""aws-cloudtrail-multi-region-validation: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/backup.py.
"""

from policies.aws.cloudtrail.multi_region_validation import POLICY as TRAIL
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details as _details
from tests.policies.programs import program_graph
from tests.policies.programs.backup import BROKEN, COMPLIANT


def test_compliant_backup_and_retention_pass():
    graph = program_graph(COMPLIANT)
    assert evaluate(TRAIL, graph) == [], TRAIL.name


def test_every_way_to_break_backup_and_retention():
    graph = program_graph(BROKEN)
    assert _details(evaluate(TRAIL, graph)) == [
        (
            "local",
            "CloudTrail trail 'local' does not validate its log files; set enable_log_file_validation=True.",
        ),
        ("local", "CloudTrail trail 'local' records only its own region; set is_multi_region_trail=True."),
    ]


def test_unknown_values_are_never_a_pass():
    trail = resource(
        "aws:cloudtrail/trail:Trail",
        {"isMultiRegionTrail": UNKNOWN, "enableLogFileValidation": True},
        name="t",
    )
    assert [d.detail for d in evaluate(TRAIL, trail)] == [
        "CloudTrail trail 't': is_multi_region_trail is not known during preview; set it to True literally."
    ]
