"""aws-kms-key-deletion-window: at least minimumDays (default 7, floor 7); absent means AWS's 30."""

import pytest

from policies.aws.kms.key_deletion_window import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet
from trustfabric.gate import policy_floors

COMPLIANT = """
import pulumi_aws as aws
aws.kms.Key("default-window")
aws.kms.Key("week", deletion_window_in_days=7)
primary = aws.kms.Key("primary", multi_region=True, deletion_window_in_days=30)
aws.kms.ReplicaKey("replica", primary_key_arn=primary.arn, deletion_window_in_days=14)
"""

BROKEN = """
import pulumi_aws as aws
primary = aws.kms.Key("primary", multi_region=True)
aws.kms.ReplicaKey("hasty-replica", primary_key_arn=primary.arn, deletion_window_in_days=6)
aws.kms.ExternalKey("hasty-external", deletion_window_in_days=3)
"""

EXPECTED = {
    "hasty-replica": "KMS key 'hasty-replica' can be deleted after 6 days; set deletion_window_in_days to at least 7.",
    "hasty-external": "KMS key 'hasty-external' can be deleted after 3 days; set deletion_window_in_days to at least 7.",
}


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    return evaluate(POLICY, run_snippet(tmp_path_factory.mktemp("broken"), BROKEN))


def test_compliant_resources_pass(tmp_path):
    assert evaluate(POLICY, run_snippet(tmp_path, COMPLIANT)) == []


@pytest.mark.parametrize(("name", "detail"), EXPECTED.items(), ids=EXPECTED.keys())
def test_each_way_to_break_it_is_a_mandatory_violation(broken, name, detail):
    [diagnostic] = [d for d in broken if d.urn.endswith(f"::{name}")]
    assert diagnostic.detail == detail
    assert diagnostic.enforcement == "mandatory"


def test_nothing_else_is_reported(broken):
    assert sorted(d.urn.rsplit("::", 1)[1] for d in broken) == sorted(EXPECTED)


def test_a_stricter_config_is_applied(tmp_path):
    graph = resource("aws:kms/key:Key", {"deletionWindowInDays": 14.0}, name="k")
    [diagnostic] = evaluate(POLICY, graph, {"minimumDays": 21})
    assert diagnostic.detail == "KMS key 'k' can be deleted after 14 days; set deletion_window_in_days to at least 21."
    assert evaluate(POLICY, resource("aws:kms/key:Key", {}, name="k"), {"minimumDays": 30}) == []


def test_loosening_below_seven_days_is_below_the_floor():
    floor = policy_floors(POLICY)["minimumDays"]
    assert floor.loosened_by(5) and not floor.loosened_by(7)


def test_unknown_window_is_never_a_pass():
    [diagnostic] = evaluate(POLICY, resource("aws:kms/key:Key", {"deletionWindowInDays": UNKNOWN}, name="k"))
    assert diagnostic.detail == (
        "KMS key 'k': deletion_window_in_days is not known during preview; set it literally to at least 7."
    )
