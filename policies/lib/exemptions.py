"""The pack's own reading of `exemptions.yaml`, so a served pack (`pulumi preview --policy-pack`) and the offline
gate (`trustfabric check`) agree on what a live exemption covers.

An exemption names a policy and a resource (its logical name, or its full URN) and applies through the day of
`expires`. When the pack is served, a violation it covers is not reported; an expired exemption suppresses
nothing. The offline gate reads the same file itself and lists exempted findings apart (and reports an expired
exemption as a finding of its own); this reader only decides what to suppress.

The file is read strictly: a malformed one stops the pack's start with one line naming the file, the entry and
the key (`ExemptionError`).

Usage::

    exemptions = load_exemptions(PACK_DIR / "exemptions.yaml", known_policies={"aws-kms-key-rotation-enabled"})
    served = exempting(policies, exemptions)    # policy objects that drop exempted violations
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pulumi_policy import (
    Policy,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from policies.lib.validation import ReportViolation

FIELDS = ("policy", "resource", "reason", "approver", "expires")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
STACK_TYPE = "pulumi:pulumi:Stack"


class ExemptionError(Exception):
    """A malformed exemptions file; the message is one line naming the file, the entry and the key."""


@dataclass(frozen=True)
class Exemption:
    """One reviewed decision to accept a policy's violation on one resource until a date."""

    policy: str
    resource: str
    """The resource's logical name (any stack) or its URN."""
    expires: dt.date
    """Last day the exemption applies."""

    def is_live(self, today: dt.date) -> bool:
        return today <= self.expires


def _entries(data: Any, source: str) -> list[Any]:
    if data is None:
        return []
    if isinstance(data, dict):
        unexpected = sorted(set(data) - {"exemptions"})
        if unexpected:
            raise ExemptionError(f"{source}: {unexpected[0]}: unknown key; expected 'exemptions' (a list)")
        data = data.get("exemptions") or []
    if not isinstance(data, list):
        raise ExemptionError(f"{source}: expected a list of exemptions, got {type(data).__name__}")
    return data


def _expires(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ExemptionError(f"{where}.expires: {value!r} is not a date (YYYY-MM-DD)")


def parse_exemptions(data: Any, source: str, known_policies: Collection[str]) -> list[Exemption]:
    """The exemptions of a loaded YAML document; every field required, no unknown keys, known policies only."""
    found = []
    for index, entry in enumerate(_entries(data, source)):
        where = f"{source}: exemptions[{index}]"
        if not isinstance(entry, dict):
            raise ExemptionError(f"{where}: expected a mapping with {', '.join(FIELDS)}")
        for key in entry:
            if key not in FIELDS:
                raise ExemptionError(f"{where}.{key}: unknown key; allowed: {', '.join(FIELDS)}")
        for key in FIELDS:
            value = entry.get(key)
            if value is None or (isinstance(value, str) and not value.strip()):
                raise ExemptionError(f"{where}.{key}: required")
            if key != "expires" and not isinstance(value, str):
                raise ExemptionError(f"{where}.{key}: expected a string, got {type(value).__name__}")
        policy = entry["policy"].strip()
        if policy not in known_policies:
            raise ExemptionError(f"{where}.policy: unknown policy {policy!r}")
        found.append(Exemption(policy, entry["resource"].strip(), _expires(entry["expires"], where)))
    return found


def load_exemptions(path: Path, known_policies: Collection[str]) -> list[Exemption]:
    """Read and validate an exemptions file; an absent file means none."""
    if not path.is_file():
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ExemptionError(f"{path}: cannot read: {error}") from None
    except yaml.YAMLError as error:
        raise ExemptionError(f"{path}: not valid YAML: {' '.join(str(error).split())}") from None
    return parse_exemptions(data, str(path), known_policies)


def _name_in(urn: str) -> str:
    """The resource name a URN ends with (`urn:pulumi:<stack>::<project>::<type>::<name>`)."""
    parts = urn.split("::")
    return "::".join(parts[3:]) if len(parts) >= 4 else urn


def stack_urn() -> str:
    """The URN of the stack being analyzed (what a violation naming no resource is about), from the settings
    the Pulumi CLI gives the pack's process; empty when not served by the CLI."""
    project, stack = os.environ.get("PULUMI_PROJECT"), os.environ.get("PULUMI_STACK")
    if not project or not stack:
        return ""
    return f"urn:pulumi:{stack}::{project}::{STACK_TYPE}::{project}-{stack}"


class _Exempting:
    """Wraps a policy's report_violation: a violation a live exemption covers is dropped."""

    def __init__(self, exemptions: Sequence[Exemption], today: Callable[[], dt.date]) -> None:
        self.exemptions = list(exemptions)
        self.today = today

    def covers(self, urn: str) -> bool:
        if not urn:
            return False
        today, name = self.today(), _name_in(urn)
        return any(exemption.is_live(today) and exemption.resource in (urn, name) for exemption in self.exemptions)

    def filter(self, report_violation: ReportViolation, default_urn: str) -> ReportViolation:
        def report(message: str, urn: str | None = None) -> None:
            if not self.covers(urn or default_urn):
                report_violation(message, urn)

        return report


def exempting(
    policies: Sequence[Policy], exemptions: Sequence[Exemption], today: Callable[[], dt.date] = dt.date.today
) -> list[Policy]:
    """The policies, each with an exemption rebuilt to drop the violations its live exemptions cover (same
    name, metadata and enforcement); policies without an exemption are returned as they are."""
    served: list[Policy] = []
    for policy in policies:
        own = [exemption for exemption in exemptions if exemption.policy == policy.name]
        served.append(_rebuilt(policy, _Exempting(own, today)) if own else policy)
    return served


def _rebuilt(policy: Policy, exempting: _Exempting) -> Policy:
    fields: dict[str, Any] = {
        "name": policy.name,
        "description": policy.description,
        "enforcement_level": policy.enforcement_level,
        "config_schema": policy.config_schema,
        "display_name": policy.display_name,
        "severity": policy.severity,
        "framework": policy.framework,
        "tags": policy.tags,
        "remediation_steps": policy.remediation_steps,
        "url": policy.url,
    }
    rebuilt: Policy
    if isinstance(policy, ResourceValidationPolicy):
        resource_policy = policy

        def validate_resource(args: ResourceValidationArgs, report_violation: ReportViolation) -> Any:
            return resource_policy.validate(args, exempting.filter(report_violation, args.urn))

        rebuilt = ResourceValidationPolicy(validate=validate_resource, **fields)  # type: ignore[arg-type]
    elif isinstance(policy, StackValidationPolicy):
        stack_policy = policy

        def validate_stack(args: StackValidationArgs, report_violation: ReportViolation) -> Any:
            return stack_policy.validate(args, exempting.filter(report_violation, stack_urn()))

        rebuilt = StackValidationPolicy(validate=validate_stack, **fields)  # type: ignore[arg-type]
    else:
        raise TypeError(f"{policy.name}: not a resource or stack policy")
    for attribute in ("meta", "resource_types", "module"):
        if hasattr(policy, attribute):
            setattr(rebuilt, attribute, getattr(policy, attribute))
    return rebuilt
