"""Which AWS resource types take tags, from `aws_taggable.json` beside this module (no pulumi-aws at run time).

The list holds every pulumi-aws resource type whose constructor takes `tags`, generated from the pinned
pulumi-aws by `python -m trustfabric.packdata` and checked against the installed pulumi_aws by a test.

A type not in the list (a resource of a newer provider than the list was made from) is not passed silently:
it is judged taggable when the resource carries a `tags` input (known or not). Such a type without a `tags`
input is not judged (nothing shows it takes tags); regenerate the list when the provider is upgraded.

Usage::

    from policies.lib.taggable import is_taggable

    if is_taggable(args):
        ...  # judge the tag contract
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TAGGABLE_FILE = Path(__file__).with_name("aws_taggable.json")


def _load(path: Path) -> tuple[str, frozenset[str]]:
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    return str(data["pulumi_aws"]), frozenset(data["taggable"])


PULUMI_AWS_VERSION, TAGGABLE_TYPES = _load(TAGGABLE_FILE)
"""The pulumi-aws version the list was generated from, and the taggable resource types."""


def is_taggable(resource: Any) -> bool:
    """True when an `aws:` resource (validation args or a stack policy's PolicyResource) takes tags: its type is
    listed, or (a type the list does not know) it carries a `tags` input. Other providers' types are never
    taggable here (Kubernetes objects carry labels). Only an unlisted type's inputs are read."""
    resource_type = resource.resource_type
    if not resource_type.startswith("aws:"):
        return False
    if resource_type in TAGGABLE_TYPES:
        return True
    return "tags" in resource.props
