"""Trust policies of roles that an AWS service assumes on this account's behalf.

Every such trust names one service principal and binds it to this account (`aws:SourceAccount`), so another
account's resources cannot make the service act as our role (confused deputy); where the service reports the
resource it acts for, `source_arn` narrows it further.

Usage::

    assume_role_policy("backup.amazonaws.com", account_id)
    assume_role_policy("vpc-flow-logs.amazonaws.com", account_id,
                       source_arn=("ArnLike", f"arn:aws:ec2:{region}:{account_id}:vpc-flow-log/*"))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from components.documents import policy_document


def assume_role_policy(
    service: str,
    account_id: str,
    *,
    actions: str | Sequence[str] = "sts:AssumeRole",
    source_arn: tuple[str, str] | None = None,
    sid: str | None = None,
) -> str:
    """Trust for an AWS service, bound to this account; `source_arn` is (ARN operator, ARN pattern)."""
    condition: dict[str, Any] = {"StringEquals": {"aws:SourceAccount": account_id}}
    if source_arn is not None:
        operator, arn = source_arn
        condition[operator] = {"aws:SourceArn": arn}
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": actions if isinstance(actions, str) else list(actions),
        "Condition": condition,
    }
    if sid is not None:
        statement["Sid"] = sid
    return policy_document([statement])
