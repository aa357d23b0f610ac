"""Mutations for the storage policies. S3: encryption, bucket policies and public access blocks of the records and audit
buckets."""

from __future__ import annotations

import json
from typing import Any

from tests.stacks.mutations.edits import DELETE, map_statements, set_at
from tests.stacks.mutations.model import Mutation

BUCKET = "aws:s3/bucket:Bucket"


def _without_secure_transport(statement: dict[str, Any]) -> dict[str, Any] | None:
    condition = json.dumps(statement.get("Condition", {}))
    return None if "aws:SecureTransport" in condition else statement


MUTATIONS: tuple[Mutation, ...] = (
    Mutation(
        policy="aws-s3-bucket-sse-kms-cmk",
        stack="dev",
        type="aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        name="uk-records-bucket-encryption",
        change="drop kms_master_key_id from the records bucket's SSE rule (AWS-managed aws/s3 key)",
        expect="not encrypted with a customer-managed KMS key",
        edit=set_at(["rules", 0, "apply_server_side_encryption_by_default", "kms_master_key_id"], DELETE),
    ),
    Mutation(
        policy="aws-s3-bucket-policy-secure-transport",
        stack="dev",
        type="aws:s3/bucketPolicy:BucketPolicy",
        name="uk-records-bucket-policy",
        change="remove the deny-insecure-transport statement from the records bucket policy",
        expect="aws:SecureTransport",
        edit=map_statements(_without_secure_transport),
    ),
    Mutation(
        policy="aws-s3-public-access-block-all-enabled",
        stack="dev",
        type="aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        name="uk-audit-access-logs-public-access-block",
        change="turn off block_public_policy",
        expect="leaves block_public_policy off",
        edit=set_at(["block_public_policy"], False),
        group="dev-public-access-block-flag",
    ),
    Mutation(
        policy="aws-s3-bucket-encryption-configured",
        stack="dev",
        type="aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        name="uk-audit-bucket-encryption",
        change="delete the audit bucket's encryption configuration",
        expect="no server-side encryption configuration",
        edit=None,
        flagged=(BUCKET, "uk-audit-bucket"),
    ),
    Mutation(
        policy="aws-s3-bucket-public-access-block",
        stack="dev",
        type="aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        name="uk-records-logs-public-access-block",
        change="delete the records log bucket's public access block",
        expect="has no public access block",
        edit=None,
        flagged=(BUCKET, "uk-records-logs"),
    ),
    Mutation(
        policy="aws-s3-bucket-secure-transport-policy-attached",
        stack="dev",
        type="aws:s3/bucketPolicy:BucketPolicy",
        name="uk-audit-access-logs-policy",
        change="delete the access-log bucket's bucket policy",
        expect="has no bucket policy",
        edit=None,
        flagged=(BUCKET, "uk-audit-access-logs"),
    ),
)
