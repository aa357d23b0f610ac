"""aws-iam-passrole-scoped: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/iam.py.
"""

from policies.aws.iam.passrole_scoped import POLICY as PASSROLE
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details as _details
from tests.policies.programs import program_graph
from tests.policies.programs.iam import BROKEN, COMPLIANT


def test_compliant_identities_pass():
    graph = program_graph(COMPLIANT)
    assert evaluate(PASSROLE, graph) == [], PASSROLE.name


def test_every_way_to_break_identity():
    graph = program_graph(BROKEN)
    assert _details(evaluate(PASSROLE, graph)) == [
        (
            "group-pass",
            "IAM group policy 'group-pass': policy allows iam:PassRole on '*'; list the specific role ARNs the "
            "principal may pass.",
        ),
        (
            "open",
            "IAM role 'open': inline policy 'pass' allows iam:PassRole on 'arn:aws:iam::123456789012:role/*'; "
            "list the specific role ARNs the principal may pass.",
        ),
    ]


def test_unknown_and_malformed_documents_are_never_a_pass():
    graph = resource("aws:iam/policy:Policy", {"policy": UNKNOWN}, name="p")
    assert [d.detail for d in evaluate(PASSROLE, graph)] == [
        "IAM policy 'p': policy is not known during preview; iam:PassRole scoping cannot be proven."
    ]
