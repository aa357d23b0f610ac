"""aws-s3-dataset-bucket-residency-bound: dataset buckets (and their replica sources) stay in their cell's pair."""

from __future__ import annotations

from policies.aws.s3.dataset_bucket_residency_bound import POLICY
from tests.policies.harness import UNKNOWN, evaluate, graph_of, resource, run_snippet

BOUND = """
import pulumi
import pulumi_aws as aws
london = aws.Provider("london", region="eu-west-2", default_tags={"tags": {"jurisdiction": "UK"}})
dublin = aws.Provider("dublin", region="eu-west-1", default_tags={"tags": {"jurisdiction": "UK"}})
aws.s3.Bucket("primary", tags={"dataset-store": "golden"}, opts=pulumi.ResourceOptions(provider=london))
aws.s3.Bucket(
    "replica",
    tags={"dataset-store": "golden", "replica-of": "arn:aws:s3:::trustfabric-prod-uk-datasets-eu-west-2-1"},
    opts=pulumi.ResourceOptions(provider=dublin),
)
aws.s3.Bucket("other", tags={"jurisdiction": "EU"}, opts=pulumi.ResourceOptions(provider=london))  # not a dataset bucket
"""


def details(graph):
    return {d.urn.rsplit("::", 1)[1]: d.detail for d in evaluate(POLICY, graph)}


def test_dataset_buckets_in_their_pair_pass(tmp_path):
    assert evaluate(POLICY, run_snippet(tmp_path, BOUND)) == []


def test_each_way_to_leave_the_pair_is_reported(tmp_path):
    graph = run_snippet(
        tmp_path,
        BOUND
        + """
paris = aws.Provider("paris", region="eu-west-3", default_tags={"tags": {"jurisdiction": "EU"}})
virginia = aws.Provider("virginia", region="us-east-1", default_tags={"tags": {"jurisdiction": "UK"}})
aws.s3.Bucket("allowed-but-not-paired", tags={"dataset-store": "golden"}, opts=pulumi.ResourceOptions(provider=paris))
aws.s3.Bucket("abroad", tags={"dataset-store": "golden"}, opts=pulumi.ResourceOptions(provider=virginia))
aws.s3.Bucket(
    "foreign-source",
    tags={"dataset-store": "golden", "replica-of": "arn:aws:s3:::trustfabric-prod-eu-datasets-eu-central-1-1"},
    opts=pulumi.ResourceOptions(provider=dublin),
)
aws.s3.Bucket("untagged", tags={"dataset-store": "golden", "jurisdiction": "FR"}, opts=pulumi.ResourceOptions(provider=london))
""",
    )
    assert details(graph) == {
        "allowed-but-not-paired": "Dataset bucket 'allowed-but-not-paired' is not residency-bound: it is in "
        "eu-west-3, outside EU's pair of regions eu-central-1, eu-west-1; create it with the cell's provider.",
        "abroad": "Dataset bucket 'abroad' is not residency-bound: it is in us-east-1, outside UK's pair of regions "
        "eu-west-2, eu-west-1; create it with the cell's provider.",
        "foreign-source": "Dataset bucket 'foreign-source' is not residency-bound: its replica-of tag names "
        "'arn:aws:s3:::trustfabric-prod-eu-datasets-eu-central-1-1', not a bucket in eu-west-2 (the pair's other "
        "region); replicate only from the same cell's store.",
        "untagged": "Dataset bucket 'untagged' is not residency-bound: its jurisdiction tag is 'FR', not one of "
        "UK, EU, US, CA; tag it with its cell's.",
    }
    assert {d.enforcement for d in evaluate(POLICY, graph)} == {"mandatory"}


def test_unknown_values_are_violations_never_passes():
    unknown_region = resource(
        "aws:s3/bucket:Bucket",
        {"bucket": "g", "tags": {"dataset-store": "golden", "jurisdiction": "UK"}},
        name="g",
        region=None,
    )
    unknown_region.resources[next(u for u in unknown_region.resources if "providers" in u)].inputs["region"] = UNKNOWN
    assert details(unknown_region) == {
        "g": "Dataset bucket 'g' is not residency-bound: its region is not known during preview; create it with a "
        "provider for eu-west-2 or eu-west-1."
    }
    unknown_jurisdiction = graph_of(
        resource(
            "aws:s3/bucket:Bucket",
            {"bucket": "g", "tags": {"dataset-store": "golden", "jurisdiction": UNKNOWN}},
            name="g",
        )
    )
    assert details(unknown_jurisdiction) == {
        "g": "Dataset bucket 'g' is not residency-bound: its jurisdiction tag is not known during preview; set it "
        "literally."
    }
