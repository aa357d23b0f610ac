"""Bucket policy statements every private bucket of ours shares, as documents (no Pulumi import).

- `tls_only_statement`: nobody reaches the bucket or its objects without TLS;
- `server_access_log_statement` / `access_log_bucket_policy`: S3's logging service writes one source bucket's
  access logs into an access-log bucket, for our account only.

Usage::

    policy_document([tls_only_statement(bucket_arn(name)), own_statement])
"""

from __future__ import annotations

from typing import Any

from components.documents import policy_document
from domain.naming import bucket_arn


def tls_only_statement(arn: str) -> dict[str, Any]:
    """Deny every request to the bucket (`arn`) and its objects made without TLS."""
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [arn, f"{arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def server_access_log_statement(target_bucket: str, source_bucket: str, account_id: str) -> dict[str, Any]:
    """S3's logging service may write into `target_bucket`, only the logs of `source_bucket` in our account."""
    return {
        "Sid": "S3ServerAccessLogs",
        "Effect": "Allow",
        "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": f"{bucket_arn(target_bucket)}/*",
        "Condition": {
            "ArnLike": {"aws:SourceArn": bucket_arn(source_bucket)},
            "StringEquals": {"aws:SourceAccount": account_id},
        },
    }


def access_log_bucket_policy(target_bucket: str, source_bucket: str, account_id: str) -> str:
    """TLS only; S3's logging service may write the source bucket's access logs."""
    return policy_document(
        [
            tls_only_statement(bucket_arn(target_bucket)),
            server_access_log_statement(target_bucket, source_bucket, account_id),
        ]
    )
