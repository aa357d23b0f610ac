"""The audit trail's documents: who may write to its bucket and topics, and which events raise an alert.

Pure functions (no Pulumi import); `components.security.audit_trail` attaches them.

- `audit_bucket_policy`: TLS only; CloudTrail checks the ACL and writes, for this stack's trail only;
- `trail_topic_policy`, `alert_topic_policy`: who may publish to (and subscribe to) the two topics;
- `assume_role_pattern`, `guardduty_pattern`, `securityhub_pattern`: the EventBridge patterns that route to
  the alert topic;
- `standards_arns`: the Security Hub standards subscribed to.

Usage::

    policy = audit_bucket_policy("tf-prod-uk-audit-trail-123456789012-eu-west-2", "123456789012", "eu-west-2", "prod")
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from components.documents import policy_document
from components.storage.bucket_policies import tls_only_statement
from domain.naming import bucket_arn, trail_arn


def standards_arns(region: str) -> dict[str, str]:
    """Security Hub standards we subscribe to, by short name, for a region."""
    return {
        "fsbp": f"arn:aws:securityhub:{region}::standards/aws-foundational-security-best-practices/v/1.0.0",
        "cis-3-0": f"arn:aws:securityhub:{region}::standards/cis-aws-foundations-benchmark/v/3.0.0",
    }


def audit_bucket_policy(bucket: str, account_id: str, region: str, stack: str) -> str:
    """TLS only; CloudTrail may check the ACL and write its files, only for this stack's trail."""
    arn, trail = bucket_arn(bucket), trail_arn(region, account_id, stack)
    statements = [
        tls_only_statement(arn),
        {
            "Sid": "CloudTrailAclCheck",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:GetBucketAcl",
            "Resource": arn,
            "Condition": {"StringEquals": {"aws:SourceArn": trail}},
        },
        {
            "Sid": "CloudTrailWrite",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": f"{arn}/cloudtrail/AWSLogs/{account_id}/*",
            "Condition": {"StringEquals": {"aws:SourceArn": trail, "s3:x-amz-acl": "bucket-owner-full-control"}},
        },
    ]
    return policy_document(statements)


def topic_tls_only_statement(topic_arn: str) -> dict[str, Any]:
    """Nobody may publish to the topic over plain HTTP."""
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "sns:Publish",
        "Resource": topic_arn,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def trail_topic_policy(topic_arn: str, trail: str) -> str:
    """CloudTrail may publish, only for this stack's trail; TLS only. No other principal is named: subscribers
    are this account's roles, through their IAM policies."""
    statements: list[dict[str, Any]] = [
        {
            "Sid": "CloudTrailPublish",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "sns:Publish",
            "Resource": topic_arn,
            "Condition": {"StringEquals": {"aws:SourceArn": trail}},
        },
        topic_tls_only_statement(topic_arn),
    ]
    return policy_document(statements)


def alert_topic_policy(topic_arn: str, account_id: str, rule_arns: Sequence[str]) -> str:
    """EventBridge may publish, only from our rules; nobody outside the account may subscribe."""
    statements: list[dict[str, Any]] = [
        {
            "Sid": "EventBridgePublish",
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sns:Publish",
            "Resource": topic_arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": list(rule_arns)}},
        },
        topic_tls_only_statement(topic_arn),
        {
            "Sid": "AccountOnlySubscriptions",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
            "Action": ["sns:Subscribe", "sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic"],
            "Resource": topic_arn,
        },
    ]
    return policy_document(statements)


def assume_role_pattern(role_arns: Sequence[str]) -> str:
    return json.dumps(
        {
            "source": ["aws.sts"],
            "detail-type": ["AWS API Call via CloudTrail"],
            "detail": {
                "eventSource": ["sts.amazonaws.com"],
                "eventName": ["AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity"],
                "requestParameters": {"roleArn": sorted(role_arns)},
            },
        },
        sort_keys=True,
    )


def guardduty_pattern(severity_floor: int) -> str:
    return json.dumps(
        {
            "source": ["aws.guardduty"],
            "detail-type": ["GuardDuty Finding"],
            "detail": {"severity": [{"numeric": [">=", severity_floor]}]},
        },
        sort_keys=True,
    )


def securityhub_pattern() -> str:
    return json.dumps(
        {
            "source": ["aws.securityhub"],
            "detail-type": ["Security Hub Findings - Imported"],
            "detail": {
                "findings": {
                    "Severity": {"Label": ["HIGH", "CRITICAL"]},
                    "Workflow": {"Status": ["NEW"]},
                    "RecordState": ["ACTIVE"],
                }
            },
        },
        sort_keys=True,
    )
