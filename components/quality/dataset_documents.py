"""Names and IAM documents of a cell's golden dataset store, as text AWS takes (no Pulumi import).

The store is one S3 bucket per cell and region, laid out by `trustfabric datasets` (`trustfabric/datasets/model.py`):
`objects/sha256/...` (every sample file, content-addressed), `versions/<id>/manifest.json` and
`versions/<id>/samples.jsonl` (the manifest index: each version's manifest and its sample index, addressed by
hash), `labels/<name>/<version>.json` (name@version -> version id). Everything in it is a released version:
the tooling writes create-only, with a governance-mode retention.

Who may do what (docs/adr/0015-golden-dataset-store.md):

==============  ===========================================================================================
curator         people (MFA): read, and add objects with their retention; never delete, never bypass the lock
evaluator       the evaluation pipeline (principals tagged `trustfabric-evaluation-pipeline=true`): read only
everyone        denied `s3:DeleteObject`, `s3:DeleteObjectVersion` and `s3:BypassGovernanceRetention` on every
                object (bucket policy): a released version is never deleted, whoever asks
==============  ===========================================================================================

Usage::

    from components.quality.dataset_documents import dataset_bucket_name, dataset_bucket_policy

    name = dataset_bucket_name("prod", "uk", "eu-west-2", "123456789012")
    policy = dataset_bucket_policy(name, curator_arn, evaluator_arn)
"""

from __future__ import annotations

from typing import Any

from components.documents import policy_document
from components.storage.bucket_policies import tls_only_statement
from domain.naming import bucket_arn, cell_prefix

PROTECTED_ACTIONS = ("s3:BypassGovernanceRetention", "s3:DeleteObject", "s3:DeleteObjectVersion")
"""What nobody may do to a released dataset object: delete it (or a version of it), or lift its governance lock."""
EVALUATION_TAG = "trustfabric-evaluation-pipeline"
"""Principal tag (value `true`) of the evaluation pipeline's identities, which may assume the evaluator role."""
READ_OBJECT_ACTIONS = ("s3:GetObject", "s3:GetObjectRetention", "s3:GetObjectVersion")
READ_BUCKET_ACTIONS = ("s3:GetBucketLocation", "s3:GetBucketObjectLockConfiguration", "s3:ListBucket")


def dataset_bucket_name(deployment: str, cell: str, region: str, account_id: str) -> str:
    """The golden dataset bucket of a cell in a region (deterministic: the other stack of the pair names it)."""
    return f"{cell_prefix(deployment, cell)}-datasets-{region}-{account_id}"


def dataset_log_bucket_name(deployment: str, cell: str, region: str, account_id: str) -> str:
    """The server access-log bucket beside the dataset bucket."""
    return f"{cell_prefix(deployment, cell)}-datasets-logs-{region}-{account_id}"


def dataset_role_name(stack: str, cell: str, role: str) -> str:
    """`trustfabric-<stack>-<cell>-dataset-<role>` (curator, evaluator, replication)."""
    return f"{cell_prefix(stack, cell)}-dataset-{role}"


def _deny_protected(arn: str) -> dict[str, Any]:
    return {
        "Sid": "DenyReleasedVersionDeletion",
        "Effect": "Deny",
        "Principal": "*",
        "Action": list(PROTECTED_ACTIONS),
        "Resource": f"{arn}/*",
    }


def dataset_bucket_policy(bucket: str, curator_role_arn: str, evaluator_role_arn: str) -> str:
    """TLS only; KMS-encrypted writes only, by the curator role only; the evaluator writes nothing; nobody deletes
    a released version or lifts its lock."""
    arn = bucket_arn(bucket)
    return policy_document(
        [
            tls_only_statement(arn),
            _deny_protected(arn),
            {
                "Sid": "DenyUnencryptedUploads",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": f"{arn}/*",
                "Condition": {"StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption": "aws:kms"}},
            },
            {
                "Sid": "OnlyCuratorsAddVersions",
                "Effect": "Deny",
                "Principal": "*",
                "Action": ["s3:PutObject", "s3:PutObjectRetention", "s3:PutObjectLegalHold"],
                "Resource": f"{arn}/*",
                "Condition": {"ArnNotEquals": {"aws:PrincipalArn": curator_role_arn}},
            },
            {
                "Sid": "EvaluationReadsOnly",
                "Effect": "Deny",
                "Principal": {"AWS": evaluator_role_arn},
                "NotAction": [*READ_OBJECT_ACTIONS, *READ_BUCKET_ACTIONS],
                "Resource": [arn, f"{arn}/*"],
            },
        ]
    )


def curator_policy(bucket: str, kms_key_arn: str) -> str:
    """Curators read the store and add objects with their governance retention; they can delete nothing."""
    arn = bucket_arn(bucket)
    return policy_document(
        [
            {"Sid": "ReadBucket", "Effect": "Allow", "Action": list(READ_BUCKET_ACTIONS), "Resource": arn},
            {
                "Sid": "ReadAndAddObjects",
                "Effect": "Allow",
                "Action": [*READ_OBJECT_ACTIONS, "s3:PutObject", "s3:PutObjectRetention"],
                "Resource": f"{arn}/*",
            },
            {
                "Sid": "UseDataKey",
                "Effect": "Allow",
                "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
                "Resource": kms_key_arn,
            },
            {
                "Sid": "NeverDeleteReleasedVersions",
                "Effect": "Deny",
                "Action": list(PROTECTED_ACTIONS),
                "Resource": f"{arn}/*",
            },
        ]
    )


def evaluator_policy(bucket: str, kms_key_arn: str) -> str:
    """The evaluation pipeline reads the store; nothing else."""
    arn = bucket_arn(bucket)
    return policy_document(
        [
            {"Sid": "ReadBucket", "Effect": "Allow", "Action": list(READ_BUCKET_ACTIONS), "Resource": arn},
            {"Sid": "ReadObjects", "Effect": "Allow", "Action": list(READ_OBJECT_ACTIONS), "Resource": f"{arn}/*"},
            {"Sid": "DecryptWithDataKey", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": kms_key_arn},
        ]
    )


def evaluator_trust_policy(account_id: str) -> str:
    """The evaluator role: principals of this account tagged as the evaluation pipeline."""
    return policy_document(
        [
            {
                "Sid": "EvaluationPipeline",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {f"aws:PrincipalTag/{EVALUATION_TAG}": "true"}},
            }
        ]
    )


def replication_policy(source: str, destination: str, source_key: str, replica_key: str) -> str:
    """Least privilege for S3 replication of an object-locked store: read the source's versions with their
    retention, write replicas (no deletes: nothing is deleted), use the two keys."""
    source_arn, destination_arn = bucket_arn(source), bucket_arn(destination)
    return policy_document(
        [
            {
                "Sid": "ReadSourceConfiguration",
                "Effect": "Allow",
                "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"],
                "Resource": source_arn,
            },
            {
                "Sid": "ReadSourceVersions",
                "Effect": "Allow",
                "Action": [
                    "s3:GetObjectLegalHold",
                    "s3:GetObjectRetention",
                    "s3:GetObjectVersionAcl",
                    "s3:GetObjectVersionForReplication",
                    "s3:GetObjectVersionTagging",
                ],
                "Resource": f"{source_arn}/*",
            },
            {
                "Sid": "WriteReplicas",
                "Effect": "Allow",
                "Action": ["s3:ReplicateObject", "s3:ReplicateTags"],
                "Resource": f"{destination_arn}/*",
            },
            {"Sid": "DecryptSource", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": source_key},
            {
                "Sid": "EncryptReplicas",
                "Effect": "Allow",
                "Action": ["kms:Encrypt", "kms:GenerateDataKey"],
                "Resource": replica_key,
            },
        ]
    )
