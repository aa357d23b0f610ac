"""kubernetes-governance-labels-required: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/tags_secrets.py.
"""

from policies.kubernetes.governance.labels_required import POLICY as LABELS
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details as _details
from tests.policies.programs import program_graph
from tests.policies.programs.tags_secrets import BROKEN, COMPLIANT


def test_compliant_tags_and_secrets_pass():
    graph = program_graph(COMPLIANT)
    assert evaluate(LABELS, graph) == [], LABELS.name


def test_every_way_to_break_tags_and_secrets():
    graph = program_graph(BROKEN)
    assert _details(evaluate(LABELS, graph)) == [
        (
            "cfg",
            "Kubernetes ConfigMap 'cfg' breaks the label contract: 'data-classification' is missing; 'owner' is "
            "missing; set jurisdiction, data-classification and owner in metadata.labels.",
        )
    ]


def test_unknown_values_are_never_a_pass():
    config_map = resource("kubernetes:core/v1:ConfigMap", {"metadata": {"labels": UNKNOWN}}, name="c", region=None)
    assert [d.detail for d in evaluate(LABELS, config_map)] == [
        "Kubernetes ConfigMap 'c': its labels are not known during preview; set jurisdiction, data-classification "
        "and owner literally in metadata.labels."
    ]
