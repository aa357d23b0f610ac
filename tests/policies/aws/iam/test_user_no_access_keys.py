"""aws-iam-user-no-access-keys: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/iam.py.
"""

from policies.aws.iam.user_no_access_keys import POLICY as ACCESS_KEYS
from tests.policies.harness import evaluate
from tests.policies.programs import program_graph
from tests.policies.programs.iam import BROKEN, COMPLIANT


def test_compliant_identities_pass():
    graph = program_graph(COMPLIANT)
    assert evaluate(ACCESS_KEYS, graph) == [], ACCESS_KEYS.name


def test_every_way_to_break_identity():
    graph = program_graph(BROKEN)
    [key] = evaluate(ACCESS_KEYS, graph)
    assert key.detail == (
        "IAM access key 'legacy-key' for user 'legacy' is a long-lived credential; remove it and use an IAM role "
        "(workloads) or IAM Identity Center (people)."
    )
    assert key.enforcement == "mandatory"
