"""IAM policy documents (identity, resource, trust and key policies) as the JSON text AWS takes, spelled one way.

Every document the components declare goes through `policy_document`: the same version, the statements in the
order given, keys sorted, so a graph snapshot shows a change of content and never a change of spelling.

Usage::

    from components.documents import policy_document

    policy_document([{"Sid": "ReadRecords", "Effect": "Allow", "Action": "s3:GetObject", "Resource": arn}])
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

POLICY_VERSION = "2012-10-17"
"""The current IAM policy language version (the only one that supports policy variables)."""


def policy_document(statements: Sequence[Mapping[str, Any]]) -> str:
    """The JSON text of a policy with these statements."""
    return json.dumps({"Version": POLICY_VERSION, "Statement": list(statements)}, sort_keys=True)


STATES_DELIVERY_ACTIONS = (
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
)
"""What a Step Functions state machine's role needs to deliver its logs and traces: these APIs take no resource ARN
(AWS documents `*` for them)."""
