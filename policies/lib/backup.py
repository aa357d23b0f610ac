"""AWS Backup selections: which data stores a selection backs up, as AWS Backup reads it.

A store of a type AWS Backup protects (`BACKED_UP`) is selected by an `aws.backup.Selection` when:

- its `resources` list the store's ARN: by property dependency on the store (`resources=[bucket.arn]`), or a
  literal ARN of the store's service whose name (wildcards allowed) matches the store's literal or auto-name, or
  `*`; minus its `not_resources`;
- or its `selection_tags` (STRINGEQUALS key/value) match a tag the store carries (own over provider default);
- `condition.string_equals` entries (key `aws:ResourceTag/<tag>`) must all match too when given, and alone select
  stores when the selection lists `*` or nothing else;
- and, whatever it lists, only when the store lives in the selection's own account (`policies.lib.accounts`: the
  account of the role each one's provider assumes): AWS Backup never selects another account's resources, so a
  workload account's selection naming a bucket of the audit account backs nothing up. `selects` answers without
  that last condition, to tell "listed in the wrong account" from "listed nowhere".

Usage (inside a stack policy's `validate`)::

    from policies.lib.backup import BACKED_UP, SELECTION, UNKNOWN, covers

    results = [covers(selection, store) for selection in selections]   # True, False or UNKNOWN each
    elsewhere = [s for s in selections if selects(s, store) is True and same_account(s, store) is False]
"""

from __future__ import annotations

import fnmatch
from typing import Any

from policies.lib.accounts import DEPLOYING, account_of
from policies.lib.accounts import UNKNOWN as UNKNOWN_ACCOUNT
from policies.lib.props import as_list, effective_tags, get, is_unknown, unknown_itself
from policies.lib.residency import arn_resource_name

SELECTION = "aws:backup/selection:Selection"

# type -> (kind, ARN service, literal name inputs)
BACKED_UP: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "aws:s3/bucket:Bucket": ("S3 bucket", "s3", ("bucket",)),
    "aws:s3/bucketV2:BucketV2": ("S3 bucket", "s3", ("bucket",)),
    "aws:rds/instance:Instance": ("RDS instance", "rds", ("identifier",)),
    "aws:rds/cluster:Cluster": ("RDS cluster", "rds", ("clusterIdentifier",)),
    "aws:docdb/cluster:Cluster": ("DocumentDB cluster", "rds", ("clusterIdentifier",)),
    "aws:neptune/cluster:Cluster": ("Neptune cluster", "rds", ("clusterIdentifier",)),
    "aws:dynamodb/table:Table": ("DynamoDB table", "dynamodb", ("name",)),
    "aws:efs/fileSystem:FileSystem": ("EFS file system", "elasticfilesystem", ()),
    "aws:ebs/volume:Volume": ("EBS volume", "ec2", ()),
    "aws:fsx/lustreFileSystem:LustreFileSystem": ("FSx for Lustre file system", "fsx", ()),
    "aws:fsx/windowsFileSystem:WindowsFileSystem": ("FSx for Windows file system", "fsx", ()),
    "aws:fsx/ontapFileSystem:OntapFileSystem": ("FSx for ONTAP file system", "fsx", ()),
    "aws:fsx/openZfsFileSystem:OpenZfsFileSystem": ("FSx for OpenZFS file system", "fsx", ()),
}
UNKNOWN: Any = object()
"""A coverage answer that depends on a value not known during preview."""


def _arn_matches(arn: str, store: Any) -> bool:
    """True when a literal ARN (wildcards allowed) in a selection names `store`."""
    if arn == "*":
        return True
    _, service, identifiers = BACKED_UP[store.resource_type]
    parts = arn.split(":")
    if len(parts) < 6 or parts[2] not in (service, "*"):
        return False
    pattern = arn_resource_name(arn)
    for key in identifiers:
        if is_unknown(store.props, key):
            continue
        value = get(store.props, key)
        if isinstance(value, str) and value:
            return fnmatch.fnmatchcase(value, pattern)
    if pattern == "*":
        return True
    # auto-named: `<logical name>-<suffix>`
    return pattern.startswith(f"{store.name}-") or fnmatch.fnmatchcase(f"{store.name}-0000000", pattern)


def _listed(selection: Any, prop: str, store: Any) -> Any:
    """True/False when `prop` (resources or notResources) names the store; UNKNOWN when it cannot be told."""
    if any(d.urn == store.urn for d in selection.property_dependencies.get(prop, [])):
        return True
    if unknown_itself(selection.props, prop):
        return UNKNOWN
    entries = get(selection.props, prop, default=[])
    unknown = False
    for index in range(len(entries)):
        if unknown_itself(entries, index):
            unknown = True
        elif isinstance(entries[index], str) and _arn_matches(entries[index], store):
            return True
    return UNKNOWN if unknown else False


def _store_tags(store: Any) -> Any:
    return UNKNOWN if unknown_itself(store.props, "tags") else effective_tags(store)


def _tag_selected(selection: Any, tags: Any) -> Any:
    if unknown_itself(selection.props, "selectionTags"):
        return UNKNOWN
    conditions = get(selection.props, "selectionTags", default=[])
    if not conditions:
        return False
    if tags is UNKNOWN:
        return UNKNOWN
    for index in range(len(conditions)):
        if unknown_itself(conditions, index):
            return UNKNOWN
        condition = conditions[index]
        if str(get(condition, "type", default="")).upper() == "STRINGEQUALS" and tags.get(get(condition, "key")) == get(
            condition, "value"
        ):
            return True
    return False


def _conditions(selection: Any, tags: Any) -> Any:
    """None when the selection has no string_equals conditions, else whether the store meets them all."""
    if unknown_itself(selection.props, "conditions"):
        return UNKNOWN
    found = []
    for block in as_list(get(selection.props, "conditions", default=[])):
        for entry in as_list(get(block, "stringEquals", default=[])):
            found.append((str(get(entry, "key", default="")), get(entry, "value")))
    if not found:
        return None
    if tags is UNKNOWN:
        return UNKNOWN
    return all(tags.get(key.split("/", 1)[-1]) == value for key, value in found)


def same_account(selection: Any, store: Any) -> Any:
    """True/False whether the selection and the store live in one account; UNKNOWN when either is not known."""
    accounts = (account_of(selection), account_of(store))
    if UNKNOWN_ACCOUNT in accounts:
        return UNKNOWN
    return accounts[0] == accounts[1]


def account_label(resource: Any) -> str:
    """How a message names the account a resource lives in."""
    account = account_of(resource)
    if account == DEPLOYING:
        return "the deploying account"
    return "an account not known during preview" if account == UNKNOWN_ACCOUNT else f"account {account}"


def covers(selection: Any, store: Any) -> Any:
    """True/False whether the selection backs the store up (in its own account); UNKNOWN when a value needed is not
    known."""
    selected = selects(selection, store)
    if selected is False:
        return False
    account = same_account(selection, store)
    if account is False:
        return False
    return True if (selected is True and account is True) else UNKNOWN


def selects(selection: Any, store: Any) -> Any:
    """True/False whether the selection's resources, tags and conditions pick the store, whatever account either
    lives in; UNKNOWN when a value needed is not known."""
    tags = _store_tags(store)
    listed = _listed(selection, "resources", store)
    tagged = _tag_selected(selection, tags)
    conditions = _conditions(selection, tags)
    excluded = _listed(selection, "notResources", store)
    if excluded is True:
        return False
    if conditions is not None:
        # Conditions narrow the selection; with `*` (or nothing else given) they are what selects.
        entries = [] if unknown_itself(selection.props, "resources") else get(selection.props, "resources", default=[])
        only_conditions = tagged is False and (not entries or "*" in [str(e) for e in as_list(entries)])
        base = (
            True
            if only_conditions
            else (True if True in (listed, tagged) else (UNKNOWN if UNKNOWN in (listed, tagged) else False))
        )
        if base is False or conditions is False:
            return False
        result = True if (base is True and conditions is True) else UNKNOWN
    elif True in (listed, tagged):
        result = True
    elif UNKNOWN in (listed, tagged):
        result = UNKNOWN
    else:
        result = False
    if result is True and excluded is UNKNOWN:
        return UNKNOWN
    return result


__all__ = ["BACKED_UP", "SELECTION", "UNKNOWN", "account_label", "covers", "same_account", "selects"]
