"""The tag contract on resources: the effective value of a tag, and the resource's jurisdiction.

The keys and allowed values come from the shared facts (`policies.lib.facts.TAGS`, generated from
`domain.tags` and `domain.residency`).

Usage::

    from policies.lib.tags import UNKNOWN_TAG, jurisdiction_of

    code = jurisdiction_of(args)           # "UK", None when missing, UNKNOWN_TAG when not known in preview
"""

from __future__ import annotations

from typing import Any

from policies.lib.facts import CODES, TAGS
from policies.lib.props import Unknown, effective_tags, is_unknown, provider_default_tags, unknown_itself

JURISDICTION_TAG = TAGS.jurisdiction
CLASSIFICATION_TAG = TAGS.data_classification
OWNER_TAG = TAGS.owner
JURISDICTION_CODES = CODES
CLASSIFICATIONS = TAGS.classifications

UNKNOWN_TAG: Any = Unknown("tag")
"""A tag whose own value is not known during preview."""


def tag_value(resource: Any, key: str) -> Any:
    """The effective value of tag `key` (own over provider default); UNKNOWN_TAG when the own value is not known
    during preview, None when absent."""
    if is_unknown(resource.props, "tags", key):
        if unknown_itself(resource.props, "tags"):  # the whole map: only the provider's default is certain
            return provider_default_tags(resource.provider).get(key)
        return UNKNOWN_TAG
    return effective_tags(resource).get(key)


def jurisdiction_of(resource: Any) -> Any:
    """The resource's jurisdiction tag: a string, None when absent, UNKNOWN_TAG when not known."""
    value = tag_value(resource, JURISDICTION_TAG)
    if value is UNKNOWN_TAG or value is None:
        return value
    return str(value).strip()
