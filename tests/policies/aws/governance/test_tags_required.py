"""aws-governance-tags-required: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/tags_secrets.py.
"""

from policies.aws.governance.tags_required import POLICY as TAGS
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details as _details
from tests.policies.programs import program_graph
from tests.policies.programs.tags_secrets import BROKEN, COMPLIANT, CONTRACT


def test_compliant_tags_and_secrets_pass():
    graph = program_graph(COMPLIANT)
    assert evaluate(TAGS, graph) == [], TAGS.name


def test_every_way_to_break_tags_and_secrets():
    graph = program_graph(BROKEN)
    assert _details(evaluate(TAGS, graph)) == [
        (
            "bare",
            "AWS resource 'bare' breaks the tag contract: 'jurisdiction' is missing; 'data-classification' is "
            f"missing; 'owner' is missing; {CONTRACT}",
        ),
        (
            "odd",
            "AWS resource 'odd' breaks the tag contract: 'jurisdiction' is 'FR' (allowed: UK|EU|US|CA); "
            "'data-classification' is 'secret' (allowed: public|internal|confidential|restricted); "
            f"{CONTRACT}",
        ),
    ]


def test_unknown_values_are_never_a_pass():
    queue = resource("aws:sqs/queue:Queue", {"tags": {"jurisdiction": "UK", "owner": UNKNOWN}}, name="q")
    assert [d.detail for d in evaluate(TAGS, queue)] == [
        "AWS resource 'q' breaks the tag contract: 'data-classification' is missing; 'owner' is not known during "
        f"preview; {CONTRACT}"
    ]


def test_a_type_the_shipped_list_does_not_know_is_judged_when_it_carries_tags():
    widget = resource("aws:newservice/widget:Widget", {"tags": {"owner": "platform"}}, name="w")
    assert [d.detail for d in evaluate(TAGS, widget)] == [
        f"AWS resource 'w' breaks the tag contract: 'jurisdiction' is missing; 'data-classification' is missing; "
        f"{CONTRACT}"
    ]
    assert evaluate(TAGS, resource("aws:newservice/widget:Widget", {"name": "w"}, name="w")) == []
    policy = resource("aws:s3/bucketPolicy:BucketPolicy", {"bucket": "b", "policy": "{}"}, name="p")
    assert evaluate(TAGS, policy) == []  # listed as not taggable
