"""aws-governance-resource-region-in-jurisdiction: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/residency.py.
"""

from domain.residency import as_policy_config
from policies.aws.governance.resource_region_in_jurisdiction import POLICY as REGION
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details as _details
from tests.policies.programs import program_graph
from tests.policies.programs.residency import BROKEN, COMPLIANT


def test_resources_and_destinations_in_the_jurisdiction_pass():
    graph = program_graph(COMPLIANT)
    assert evaluate(REGION, graph) == []


def test_resources_outside_their_jurisdiction():
    graph = program_graph(BROKEN)
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


def test_residency_config_overrides_the_table():
    graph = program_graph(BROKEN)
    config = {
        "residency": {
            **as_policy_config(),
            "EU": {"allowed_regions": ["eu-west-2"]},
            "MARS": {"allowed_regions": ["eu-west-2"]},
        }
    }
    assert evaluate(REGION, graph, config) == []
