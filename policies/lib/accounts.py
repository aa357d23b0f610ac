"""Which AWS account a resource lives in, as the graph tells it: the account of the role its provider assumes.

A provider that assumes no role acts in the deploying account (`DEPLOYING`), whose id the graph does not name; a
provider assuming a role (`assume_roles`, the last role of a chain) acts in that role's account. A role ARN not
known during preview, or not an IAM role ARN, gives `UNKNOWN`: a policy judging by account never passes on it by
accident.

Usage::

    from policies.lib.accounts import DEPLOYING, UNKNOWN, account_of

    account_of(store) == account_of(selection)   # both DEPLOYING, or both the same assumed account id
"""

from __future__ import annotations

import json
import re
from typing import Any

from policies.lib.props import get, is_unknown

ROLE_ARN = re.compile(r"^arn:aws[\w-]*:iam::(\d{12}):role/.+$")
UNKNOWN = "unknown"
"""The account cannot be told during preview (a role ARN not yet known, or not an IAM role ARN)."""
DEPLOYING = "deploying"
"""The account the deployment's own credentials act in: the provider assumes no role."""


def assumed_account(provider: Any) -> str | None:
    """The account of the last role the provider assumes; None when it assumes none; UNKNOWN when not known."""
    if provider is None:
        return None
    props = provider.props
    if is_unknown(props, "assumeRoles"):
        return UNKNOWN
    roles: Any = get(props, "assumeRoles")
    if isinstance(roles, str):  # a provider's nested inputs arrive as JSON text
        try:
            roles = json.loads(roles)
        except ValueError:
            return UNKNOWN
    if not roles:
        return None
    last = roles[-1]
    arn = last.get("roleArn") if hasattr(last, "get") else None
    if arn is None:
        return None
    match = ROLE_ARN.fullmatch(str(arn))
    return match.group(1) if match else UNKNOWN


def account_of(resource: Any) -> str:
    """The account `resource` lives in: an account id, DEPLOYING (no role assumed) or UNKNOWN."""
    return assumed_account(resource.provider) or DEPLOYING


__all__ = ["DEPLOYING", "ROLE_ARN", "UNKNOWN", "account_of", "assumed_account"]
