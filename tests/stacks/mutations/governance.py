"""Mutations for the governance policies. Cross-cutting rules, whichever domain's resource they break: the tag and label
contract, no secrets in tags, residency."""

from __future__ import annotations

import pulumi_aws as aws

from tests.stacks.mutations.edits import drop_key, merge_tags, set_at
from tests.stacks.mutations.model import Mutation

SECRET = "aws:secretsmanager/secret:Secret"
US_KEY = "arn:aws:kms:us-east-1:123456789012:key/0f000000-0000-4000-8000-000000000000"

MUTATIONS: tuple[Mutation, ...] = (
    Mutation(
        policy="aws-governance-tags-required",
        stack="dev",
        type="aws:ec2/vpc:Vpc",
        name="uk-network-vpc",
        change="misspell the VPC's data-classification tag",
        expect="'data-classification' is 'confidental'",
        edit=merge_tags({"data-classification": "confidental"}),
    ),
    Mutation(
        policy="aws-governance-no-secrets-in-tags",
        stack="dev",
        type="aws:rds/clusterParameterGroup:ClusterParameterGroup",
        name="uk-ledger-parameters",
        change="put the database password in a tag",
        expect="tag 'db-password' holds a literal value for a secret-named key",
        edit=merge_tags({"db-password": "Tr0ub4dor&3"}),
    ),
    Mutation(
        policy="aws-governance-resource-region-in-jurisdiction",
        stack="dev",
        type=SECRET,
        name="uk-secrets-bank-feeds",
        change="create the UK bank-feeds secret in us-east-1",
        expect="is in us-east-1, outside UK's allowed regions",
        edit=set_at(["region"], "us-east-1"),
    ),
    Mutation(
        policy="aws-governance-destination-region-in-jurisdiction",
        stack="dev",
        type=SECRET,
        name="uk-secrets-ledger-db",
        change="replicate the UK ledger database secret to us-east-1",
        expect="replicates to us-east-1 in us-east-1",
        edit=set_at(["replicas"], [aws.secretsmanager.SecretReplicaArgs(region="us-east-1", kms_key_id=US_KEY)]),
    ),
    Mutation(
        policy="kubernetes-governance-labels-required",
        stack="dev",
        type="kubernetes:core/v1:Service",
        name="uk-telemetry-collector-service",
        change="remove the collector Service's owner label",
        expect="'owner' is missing",
        edit=drop_key(["metadata", "labels"], "owner"),
    ),
)
