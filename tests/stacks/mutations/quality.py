"""Mutations for the golden dataset store's policies: its object lock and its residency."""

from __future__ import annotations

from tests.stacks.mutations.edits import merge_tags, set_at
from tests.stacks.mutations.model import Mutation

BUCKET = "aws:s3/bucket:Bucket"
LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"

MUTATIONS: tuple[Mutation, ...] = (
    Mutation(
        policy="aws-s3-dataset-bucket-object-locked",
        stack="dev",
        type=LOCK,
        name="uk-datasets-bucket-object-lock",
        change="shorten the dataset bucket's default GOVERNANCE retention to 30 days",
        expect="its default retention is 30 days, below 365",
        edit=set_at(["rule", "default_retention", "days"], 30),
        flagged=(BUCKET, "uk-datasets-bucket"),
    ),
    Mutation(
        policy="aws-s3-dataset-bucket-residency-bound",
        stack="dev",
        type=BUCKET,
        name="uk-datasets-bucket",
        change="tag the dataset bucket as a replica of the EU cell's store in eu-central-1",
        expect="its replica-of tag names",
        edit=merge_tags({"replica-of": "arn:aws:s3:::trustfabric-prod-eu-datasets-eu-central-1-123456789012"}),
    ),
)
