"""The facts the pack shares with the rest of the repository, read from `facts.json` beside this module.

The file is generated from the bottom layer (`domain.residency`, `domain.tags`, `domain.tiers`, `domain.retention`) by
`python -m trustfabric.packdata`, never edited by hand, and checked against `domain/` by a test: the pack ships
the facts as data instead of importing them, so it runs wherever it is copied or published.

- `JURISDICTIONS`: each jurisdiction's regions (primary, standby, allowed) and statutory record retention;
- `TAGS`: the tag contract (keys every taggable resource carries, data classifications);
- `TIERS`: the recovery tiers and their RPO/RTO objectives, in minutes;
- `RETENTION`: the data classes (the `data-class` tag) and their retention windows and object-lock rules.

Usage::

    from policies.lib.facts import JURISDICTIONS, TAGS, TIERS

    uk = JURISDICTIONS["UK"]
    assert uk.paired_region(uk.primary_region) == uk.standby_region
    assert TAGS.required == ("jurisdiction", "data-classification", "owner")
    assert TIERS["tier0"].rpo_minutes == 5
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FACTS_FILE = Path(__file__).with_name("facts.json")


@dataclass(frozen=True)
class Jurisdiction:
    """One jurisdiction cell's residency and retention facts."""

    code: str
    """Short code used in tags and config: UK, EU, US, CA."""
    name: str
    primary_region: str
    """Region of the primary footprint (the `prod` stack)."""
    standby_region: str
    """Paired region: replicas, backup copies and the `dr` stack's footprint."""
    allowed_regions: tuple[str, ...]
    """Every region the jurisdiction's data may be stored or processed in."""
    retention_years: int
    retention_days: int
    """Statutory record retention in days, counting every leap day the period can span."""
    retention_source: str
    regulator: str

    def paired_region(self, region: str) -> str:
        """The other region of the pair: standby for primary and primary for standby."""
        if region == self.primary_region:
            return self.standby_region
        if region == self.standby_region:
            return self.primary_region
        raise ValueError(
            f"region {region!r} is neither the primary ({self.primary_region}) nor the standby "
            f"({self.standby_region}) region of {self.code}"
        )


@dataclass(frozen=True)
class TagContract:
    """The keys every taggable AWS resource carries (Kubernetes objects: as labels), and their allowed values."""

    jurisdiction: str
    data_classification: str
    owner: str
    stack: str
    cell: str
    backup_tier: str
    required: tuple[str, ...]
    """Keys every taggable resource must carry, with a valid value."""
    classifications: tuple[str, ...]
    """Data classifications, from least to most sensitive."""


@dataclass(frozen=True)
class Tier:
    """A recovery tier's objectives (its backup rules stay with the components that build the plans)."""

    name: str
    description: str
    rpo_minutes: int
    """Restore from backup: most data (minutes before the damage) that may be lost."""
    rto_minutes: int
    """Restore from backup: longest time (minutes) until the restored store serves again."""
    failover_rpo_minutes: int
    """Regional failover to the paired region: most data (minutes) that may be lost."""
    failover_rto_minutes: int
    """Regional failover: longest time (minutes) until traffic is served from the paired region."""


@dataclass(frozen=True)
class DataClass:
    """A data class's retention rules (`domain.retention`): what the `data-class` tag of a store names."""

    name: str
    description: str
    minimum: int | str
    """Days kept at least, or "statutory" for the jurisdiction's statutory days."""
    maximum_after_minimum: int | None
    object_lock: str
    """required, allowed or forbidden."""
    on_erasure: str
    discovery: bool
    """Whether Macie scans stores of this class."""
    legal_basis: str


@dataclass(frozen=True)
class Retention:
    tag: str
    """The tag naming a store's data class."""
    statutory_grace_days: int
    classes: dict[str, DataClass]


def load_facts(path: Path = FACTS_FILE) -> dict[str, Any]:
    """The raw facts document (`residency`, `tags`, `tiers`, `retention`)."""
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


_FACTS = load_facts()

JURISDICTIONS: dict[str, Jurisdiction] = {
    code: Jurisdiction(**{**entry, "allowed_regions": tuple(entry["allowed_regions"])})
    for code, entry in _FACTS["residency"].items()
}
"""Every jurisdiction, by code, in the table's order."""
CODES: tuple[str, ...] = tuple(JURISDICTIONS)

TAGS = TagContract(
    **{
        **_FACTS["tags"],
        "required": tuple(_FACTS["tags"]["required"]),
        "classifications": tuple(_FACTS["tags"]["classifications"]),
    }
)

TIERS: dict[str, Tier] = {name: Tier(name=name, **entry) for name, entry in _FACTS["tiers"].items()}
"""Every recovery tier, by name (the value of a store's `backup-tier` tag)."""


RETENTION = Retention(
    tag=_FACTS["retention"]["tag"],
    statutory_grace_days=_FACTS["retention"]["statutory_grace_days"],
    classes={name: DataClass(**entry) for name, entry in _FACTS["retention"]["classes"].items()},
)
"""The data classes and their retention rules, by name (the value of a store's `data-class` tag)."""


def residency_table() -> dict[str, Any]:
    """The residency table in the shape the residency policies take as config (a fresh copy each call)."""
    return copy.deepcopy(_FACTS["residency"])
