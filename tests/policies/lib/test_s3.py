"""BucketTargets (the index the S3 stack policies use) answers exactly what targets_bucket answers pair by pair."""

from __future__ import annotations

from typing import Any

from pulumi_policy import StackValidationPolicy

from policies.lib.s3 import BucketTargets, targets_bucket
from tests.policies.harness import UNKNOWN, evaluate, graph_of, resource

BUCKET = "aws:s3/bucket:Bucket"
BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"


def _stack_resources(graph: Any) -> list[Any]:
    """The PolicyResources a stack policy receives for `graph` (through the analyzer, as the CLI builds them)."""
    captured: list[Any] = []
    policy = StackValidationPolicy(
        name="test-capture", description="Captures.", validate=lambda args, _report: captured.extend(args.resources)
    )
    evaluate(policy, graph)
    return captured


def _graph() -> Any:
    buckets = {
        "named": {"bucket": "invoices-uk"},
        "twin": {"bucket": "invoices-uk"},  # the same literal name: both match a block naming it
        "unknown-name": {"bucket": UNKNOWN},
        "unnamed": {},
        "by-dependency": {"bucket": "ledger-uk"},
    }
    blocks = {
        "block-literal": {"bucket": "invoices-uk"},
        "block-dependency": {"bucket": UNKNOWN},
        "block-unknown": {"bucket": UNKNOWN},
        "block-empty": {"bucket": ""},
        "block-other": {"bucket": "elsewhere"},
        "block-both": {"bucket": "invoices-uk"},
        "block-nested": {"bucket": {"name": "invoices-uk"}},
    }
    graphs = [resource(BUCKET, inputs, name=name) for name, inputs in buckets.items()]
    graphs += [resource(BLOCK, inputs, name=name) for name, inputs in blocks.items()]
    graph = graph_of(*graphs)
    urns = {r.name: r.urn for r in graph.custom_resources}
    graph.resources[urns["block-dependency"]].property_dependencies = {"bucket": [urns["by-dependency"]]}
    graph.resources[urns["block-both"]].property_dependencies = {"bucket": [urns["unknown-name"], urns["named"]]}
    return graph


def test_the_index_matches_targets_bucket_for_every_pair():
    resources = _stack_resources(_graph())
    buckets = [r for r in resources if r.resource_type == BUCKET]
    blocks = [r for r in resources if r.resource_type == BLOCK]
    index = BucketTargets(blocks)
    answers = {bucket.name: [block.name for block in index.of(bucket)] for bucket in buckets}
    assert answers == {
        bucket.name: [block.name for block in blocks if targets_bucket(block, bucket)] for bucket in buckets
    }
    # The cases themselves, so the comparison above is not between two empty answers.
    assert answers == {
        "named": ["block-literal", "block-both"],
        "twin": ["block-literal", "block-both"],
        "unknown-name": ["block-both"],
        "unnamed": [],
        "by-dependency": ["block-dependency"],
    }
