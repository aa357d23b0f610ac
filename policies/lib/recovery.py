"""Recovery tiers of data stores, and when a cross-region backup copy meets a tier's failover objectives.

A store's tier is its `backup-tier` tag (own over the provider's default tags). A store without the tag, with a
value not known during preview, or with a value that names no tier is held to the strictest tier: the one with
the smallest failover RPO (then RTO), tier0 in the shipped table. The tiers are the shipped ones
(`policies/lib/facts.json`, from `domain/tiers.py`) plus any a policy config adds; a config never redefines a
shipped tier.

**When a cross-region backup copy meets a tier** (the store then needs no replica: warm standby by restore):

- RTO: failing over by restoring the copy in the paired region takes as long as a restore from backup, which is
  the tier's restore RTO (`rto_minutes`, the objective the restore drills prove). The tier must allow it:
  `failover_rto_minutes >= rto_minutes`.
- RPO: some rule of a backup plan whose selection covers the store copies into a vault in the paired region
  (a copy action whose destination ARN is in that region), and the most data that copy can lose is within the
  tier's failover RPO. That worst case is `copy RPO = longest interval between two runs of the rule's schedule
  + its start window + its completion window + the copy transfer allowance`: the region may be lost just before
  the next recovery point exists in the paired vault, and the previous one may have started and completed as
  late as the rule's windows allow (AWS's defaults when unset: 8 h start, 7 days completion) and then taken the
  transfer allowance to arrive. `copy RPO <= failover_rpo_minutes` must hold.

Usage::

    tiers = tier_table(config.get("additionalTiers"))
    tier, how = tier_of(store, tiers)              # how: "" or why the strictest tier was chosen
    if copies_can_meet(tier):
        evidence = copy_evidence(store, resources, paired="eu-west-1", transfer_minutes=60)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from policies.lib.backup import SELECTION, UNKNOWN, covers
from policies.lib.facts import TAGS, TIERS, Tier
from policies.lib.props import get, is_unknown, unknown_itself
from policies.lib.residency import arn_region
from policies.lib.schedules import longest_interval_minutes
from policies.lib.tags import UNKNOWN_TAG, tag_value

PLAN = "aws:backup/plan:Plan"
DEFAULT_START_WINDOW_MINUTES = 480
"""AWS Backup's start window when a rule sets none (8 hours)."""
DEFAULT_COMPLETION_WINDOW_MINUTES = 10080
"""AWS Backup's completion window when a rule sets none (7 days)."""
COPY_TRANSFER_MINUTES = 60
"""Default allowance for a recovery point's copy to reach the paired region after its backup completed."""

TIER_OBJECTIVES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "description": {"type": "string"},
        "rpo_minutes": {"type": "integer", "minimum": 1},
        "rto_minutes": {"type": "integer", "minimum": 1},
        "failover_rpo_minutes": {"type": "integer", "minimum": 1},
        "failover_rto_minutes": {"type": "integer", "minimum": 1},
    },
    "required": ["rto_minutes", "failover_rpo_minutes", "failover_rto_minutes"],
    "additionalProperties": False,
}
"""One added tier in a policy config: its objectives in minutes, as `facts.json` spells them."""


def tier_table(additional: Any = None) -> dict[str, Tier]:
    """The shipped tiers plus the ones a config adds; an added tier never replaces a shipped one."""
    tiers = dict(TIERS)
    if isinstance(additional, Mapping):
        for name in additional:
            entry = additional[name]
            if str(name) in TIERS or not isinstance(entry, Mapping):
                continue
            tiers[str(name)] = Tier(
                name=str(name),
                description=str(entry.get("description", "")),
                rpo_minutes=int(entry.get("rpo_minutes", entry["rto_minutes"])),
                rto_minutes=int(entry["rto_minutes"]),
                failover_rpo_minutes=int(entry["failover_rpo_minutes"]),
                failover_rto_minutes=int(entry["failover_rto_minutes"]),
            )
    return tiers


def strictest(tiers: Mapping[str, Tier]) -> Tier:
    """The tier with the smallest failover RPO, then failover RTO."""
    return min(tiers.values(), key=lambda tier: (tier.failover_rpo_minutes, tier.failover_rto_minutes, tier.name))


def tier_of(resource: Any, tiers: Mapping[str, Tier]) -> tuple[Tier, str]:
    """The store's tier, and (when it is held to the strictest tier for want of a readable tag) why."""
    value = tag_value(resource, TAGS.backup_tier)
    if value is UNKNOWN_TAG:
        return strictest(tiers), f"its {TAGS.backup_tier} tag is not known during preview"
    if value is None:
        return strictest(tiers), f"it has no {TAGS.backup_tier} tag"
    name = str(value).strip()
    if name in tiers:
        return tiers[name], ""
    return strictest(tiers), f"{TAGS.backup_tier} '{name}' is not a tier"


def copies_can_meet(tier: Tier) -> bool:
    """True when restoring a backup copy (taking up to the tier's restore RTO) is within its failover RTO."""
    return tier.failover_rto_minutes >= tier.rto_minutes


@dataclass(frozen=True)
class CopyEvidence:
    """What the graph shows about a store's backup copies into the paired region."""

    rpo_minutes: int | None = None
    """The smallest copy RPO of a rule covering the store with a copy into the paired region; None: none."""
    rule: str = ""
    """`rule 'R' of plan 'P'` of that best copy."""
    unknown: Sequence[str] = field(default_factory=tuple)
    """What could not be read during preview (each completes "... is not known during preview")."""
    untimed: Sequence[str] = field(default_factory=tuple)
    """Rules copying into the paired region whose schedule this reader cannot time (not daily or weekly)."""


def _minutes(rule: Any, key: str, default: int) -> Any:
    if unknown_itself(rule, key):
        return UNKNOWN
    value = get(rule, key)
    return default if not isinstance(value, (int, float)) or isinstance(value, bool) else int(value)


def copy_rpo_minutes(rule: Any, transfer_minutes: int) -> Any:
    """A rule's copy RPO in minutes (see the module docstring); None for a schedule this reader cannot time,
    UNKNOWN when the schedule or a window is not known during preview."""
    if unknown_itself(rule, "schedule"):
        return UNKNOWN
    interval = longest_interval_minutes(get(rule, "schedule"))
    start = _minutes(rule, "startWindow", DEFAULT_START_WINDOW_MINUTES)
    completion = _minutes(rule, "completionWindow", DEFAULT_COMPLETION_WINDOW_MINUTES)
    if UNKNOWN in (start, completion):
        return UNKNOWN
    if interval is None:
        return None
    return int(interval + start + completion + transfer_minutes)


def _copies_to(rule: Any, paired: str) -> Any:
    """True when a copy action of the rule lands in `paired`; UNKNOWN when a destination is not known."""
    if unknown_itself(rule, "copyActions"):
        return UNKNOWN
    unknown = False
    for action in get(rule, "copyActions", default=[]):
        if is_unknown(action, "destinationVaultArn"):
            unknown = True
        elif arn_region(get(action, "destinationVaultArn")) == paired:
            return True
    return UNKNOWN if unknown else False


def copy_evidence(store: Any, resources: Sequence[Any], paired: str, transfer_minutes: int) -> CopyEvidence:
    """The best backup copy of `store` into `paired` among the plans whose selections cover it."""
    plans = {resource.urn: resource for resource in resources if resource.resource_type == PLAN}
    best: tuple[int, str] | None = None
    unknown: list[str] = []
    untimed: list[str] = []
    for selection in (resource for resource in resources if resource.resource_type == SELECTION):
        covered = covers(selection, store)
        if covered is False:
            continue
        if covered is UNKNOWN:
            unknown.append(f"whether selection '{selection.name}' covers it")
            continue
        linked = [dep.urn for dep in selection.property_dependencies.get("planId", []) if dep.urn in plans]
        if not linked:
            unknown.append(f"the plan of selection '{selection.name}'")
            continue
        for urn in linked:
            plan = plans[urn]
            if unknown_itself(plan.props, "rules"):
                unknown.append(f"the rules of plan '{plan.name}'")
                continue
            for rule in get(plan.props, "rules", default=[]):
                name = "?" if is_unknown(rule, "ruleName") else get(rule, "ruleName", default="?")
                label = f"rule '{name}' of plan '{plan.name}'"
                copies = _copies_to(rule, paired)
                if copies is UNKNOWN:
                    unknown.append(f"a copy destination of {label}")
                if copies is not True:
                    continue
                rpo = copy_rpo_minutes(rule, transfer_minutes)
                if rpo is UNKNOWN:
                    unknown.append(f"the schedule or windows of {label}")
                elif rpo is None:
                    untimed.append(label)
                elif best is None or rpo < best[0]:
                    best = (rpo, label)
    if best is None:
        return CopyEvidence(unknown=tuple(unknown), untimed=tuple(untimed))
    return CopyEvidence(rpo_minutes=best[0], rule=best[1], unknown=tuple(unknown), untimed=tuple(untimed))
