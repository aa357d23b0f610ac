"""The tag contract: the keys every taggable AWS resource carries (Kubernetes objects carry them as labels).

Outside tests rely on these keys (see docs/architecture.md). The stack puts the contract on each cell's
provider as default tags; the policy pack checks it (`aws-governance-tags-required`,
`kubernetes-governance-labels-required`) and reads residency from `jurisdiction`.

| key | values | set by |
|---|---|---|
| `jurisdiction` | UK, EU, US, CA (`domain.residency.CODES`) | the cell's provider |
| `data-classification` | public, internal, confidential, restricted | the cell's provider; a store may narrow it |
| `owner` | the team accountable for the resource | the cell's provider |
| `stack`, `cell` | the Pulumi stack and the cell name | the cell's provider (informational) |
| `backup-tier` | a tier of `domain.tiers.TIERS`; absent: judged as the strictest tier | every data store a backup plan covers |
| `backup-copy-source` | ARN of the backup vault (paired region) whose plan copies into this one | a vault that only receives copies from another stack |

Usage::

    from domain.tags import REQUIRED_TAGS, CLASSIFICATIONS

    assert REQUIRED_TAGS == ("jurisdiction", "data-classification", "owner")
"""

from __future__ import annotations

JURISDICTION = "jurisdiction"
DATA_CLASSIFICATION = "data-classification"
OWNER = "owner"
STACK = "stack"
CELL = "cell"
BACKUP_TIER = "backup-tier"
"""The recovery tier of a data store: which backup plan covers it and which RPO/RTO it is held to. A store
without it is held to the strictest tier (the smallest failover RPO): `stack-dr-readiness-replica-in-paired-region`
lets a store fail over by restoring a cross-region backup copy only when its tier's failover objectives allow it."""
BACKUP_COPY_SOURCE = "backup-copy-source"
"""On a backup vault that no plan of its own stack targets (a copy destination): the ARN of the vault in the
paired region whose plan copies into it, for when that plan is declared by another stack (prod copies into dr's
vault). DR readiness accepts such a vault as the paired region's copy target."""

REQUIRED_TAGS: tuple[str, ...] = (JURISDICTION, DATA_CLASSIFICATION, OWNER)
"""Keys every taggable resource must carry, with a valid value."""
CLASSIFICATIONS: tuple[str, ...] = ("public", "internal", "confidential", "restricted")
"""Data classifications, from least to most sensitive."""
MODEL = "model"
"""On every resource of one model family (group, endpoint, monitor, alarms): the family's name. The GA-coverage
policy (`aws-sagemaker-ga-model-monitored`) joins a family's resources by it."""
MODEL_GA = "model-ga"
"""On a model package group: `true` when the family is generally available (held to the full monitoring footprint)."""
MODELOPS_STORE = "modelops-store"
"""On a ModelOps store (artefact, lineage, explain): the store policies (`aws-sagemaker-store-object-lock`) find it."""
