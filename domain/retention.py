"""Data classes and their retention: how long each kind of data is kept, how it is locked, how it is erased.

The `data-classification` tag (public .. restricted) says how sensitive data is; the `data-class` tag
(`DATA_CLASS_TAG`) says what kind of data a store holds, and so how long it must and may be kept. A class's
window is derived from the residency table (`domain.residency`): statutory records are kept at least for their
jurisdiction's statutory period (the days enforced there) and deleted within a year after it ends (GDPR
Art.5(1)(e), storage limitation); personal data outside statutory records is kept no longer than its purpose
needs and is never locked, so an erasure request can be honoured.

| class | minimum | maximum | object lock | on erasure request | Macie discovery |
|---|---|---|---|---|---|
| `statutory-record` | the jurisdiction's statutory days | minimum + 365 | COMPLIANCE, at least the minimum | legal hold until the retention ends | yes |
| `personal-data` | none | 730 days | never (it must stay erasable) | erased | yes |
| `operational-log` | 365 days | 3653 days | allowed | kept until it expires (pseudonymous) | no |
| `telemetry` | none | 30 days | never | erased | no |

The stacks tag their stores with the class (the records buckets and tenant buckets are `statutory-record`), the
policy `aws-s3-bucket-retention-by-data-class` judges each tagged bucket's lifecycle and object lock against
`retention_window`, the privacy workflow (`trustfabric privacy erase`) decides per record with `erasure_action`,
and the pack reads the same table as data (`policies/lib/facts.json`, `python -m trustfabric.packdata`).

Usage::

    from domain.retention import DATA_CLASSES, retention_window

    window = retention_window("statutory-record", "UK")
    assert (window.minimum_days, window.maximum_days) == (2192, 2557)
    assert DATA_CLASSES["personal-data"].object_lock == "forbidden"
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from domain.residency import JURISDICTIONS

DATA_CLASS_TAG = "data-class"
"""Tag (on a store) and object tag or item attribute (on a record) naming its data class."""
STATUTORY = "statutory"
"""`DataClass.minimum` value: the jurisdiction's statutory retention (`Jurisdiction.retention_days`)."""
STATUTORY_GRACE_DAYS = 365
"""Days after the statutory period within which a statutory record must be deleted (yearly disposal run)."""
OBJECT_LOCK_RULES = ("required", "allowed", "forbidden")
ERASURE_ACTIONS = ("hold", "erase", "pseudonymise", "keep-until-expiry")


@dataclass(frozen=True)
class DataClass:
    """One kind of data and the rules its stores and records follow."""

    name: str
    description: str
    minimum: int | str
    """Days a record must be kept at least: a number, or STATUTORY for the jurisdiction's statutory days."""
    maximum_after_minimum: int | None
    """Days after the minimum by which a record must be gone; None: no storage-limitation ceiling of its own."""
    object_lock: str
    """`required` (COMPLIANCE mode for at least the minimum), `allowed`, or `forbidden` (must stay erasable)."""
    on_erasure: str
    """What an erasure request does to a record of this class (ERASURE_ACTIONS) while the minimum runs."""
    discovery: bool
    """Whether Amazon Macie scans stores of this class for personal data."""
    legal_basis: str
    """Why the window is what it is (statute for the minimum, GDPR article for the ceiling)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "minimum": self.minimum,
            "maximum_after_minimum": self.maximum_after_minimum,
            "object_lock": self.object_lock,
            "on_erasure": self.on_erasure,
            "discovery": self.discovery,
            "legal_basis": self.legal_basis,
        }


DATA_CLASSES: dict[str, DataClass] = {
    c.name: c
    for c in (
        DataClass(
            name="statutory-record",
            description="Accounting and tax records a regulator requires us to keep (ledgers, invoices, filings).",
            minimum=STATUTORY,
            maximum_after_minimum=STATUTORY_GRACE_DAYS,
            object_lock="required",
            on_erasure="hold",
            discovery=True,
            legal_basis="the jurisdiction's statute (domain.residency); GDPR Art.17(3)(b) and Art.5(1)(e)",
        ),
        DataClass(
            name="personal-data",
            description="Personal data outside statutory records: profiles, preferences, support history.",
            minimum=0,
            maximum_after_minimum=730,
            object_lock="forbidden",
            on_erasure="erase",
            discovery=True,
            legal_basis="GDPR Art.5(1)(e) storage limitation; Art.17 erasure",
        ),
        DataClass(
            name="operational-log",
            description="Application, access and audit logs holding pseudonymous identifiers only.",
            minimum=365,
            maximum_after_minimum=3653 - 365,
            object_lock="allowed",
            on_erasure="keep-until-expiry",
            discovery=False,
            legal_basis="ISO 27001 A.8.15 logging (365-day floor); GDPR Art.5(1)(e)",
        ),
        DataClass(
            name="telemetry",
            description="Metrics and traces for operating the service, without record content.",
            minimum=0,
            maximum_after_minimum=30,
            object_lock="forbidden",
            on_erasure="erase",
            discovery=False,
            legal_basis="GDPR Art.5(1)(c) data minimisation and Art.5(1)(e)",
        ),
    )
}
"""Every data class, by name."""
NAMES: tuple[str, ...] = tuple(DATA_CLASSES)


@dataclass(frozen=True)
class RetentionWindow:
    """How long a record of one class in one jurisdiction is kept: at least `minimum_days`, at most
    `maximum_days` (None: no ceiling), and why."""

    data_class: str
    jurisdiction: str
    minimum_days: int
    maximum_days: int | None
    source: str
    """The legal source of the minimum (the statute for statutory records)."""


def data_class(name: str) -> DataClass:
    """The class of a name; KeyError naming the allowed names."""
    try:
        return DATA_CLASSES[name]
    except KeyError:
        raise KeyError(f"unknown data class {name!r}; allowed: {', '.join(NAMES)}") from None


def retention_window(name: str, jurisdiction: str) -> RetentionWindow:
    """The retention window of a class in a jurisdiction (KeyError for an unknown class or jurisdiction)."""
    kind = data_class(name)
    if jurisdiction not in JURISDICTIONS:
        raise KeyError(f"unknown jurisdiction {jurisdiction!r}; allowed: {', '.join(JURISDICTIONS)}")
    place = JURISDICTIONS[jurisdiction]
    if kind.minimum == STATUTORY:
        minimum = place.retention_days
        source = f"{place.regulator}: {place.retention_source} ({place.retention_years} years)"
    else:
        minimum = int(kind.minimum)
        source = kind.legal_basis
    maximum = None if kind.maximum_after_minimum is None else minimum + kind.maximum_after_minimum
    return RetentionWindow(name, jurisdiction, minimum, maximum, source)


@dataclass(frozen=True)
class ErasureDecision:
    """What an erasure request does to one record, and why."""

    action: str
    """`erase`, `pseudonymise`, `hold` (statutory retention still runs) or `keep-until-expiry`."""
    retain_until: date | None
    """The day the hold ends (the record's date plus the minimum); None unless held."""
    reason: str


def erasure_action(name: str, jurisdiction: str, record_date: date, today: date) -> ErasureDecision:
    """The decision for one record of class `name`, dated `record_date` (the end of the accounting period it
    belongs to), on `today`. Statutory records still inside their retention are held, naming the statute and
    the end date; once it has ended they are erased."""
    kind = data_class(name)
    window = retention_window(name, jurisdiction)
    if kind.on_erasure == "hold":
        until = record_date + timedelta(days=window.minimum_days)
        if today < until:
            return ErasureDecision(
                "hold",
                until,
                f"statutory retention until {until.isoformat()} ({window.source}); GDPR Art.17(3)(b) exempts it "
                "from erasure, so it is restricted (Art.18) under a legal hold",
            )
        return ErasureDecision("erase", None, f"statutory retention ended {until.isoformat()} ({window.source})")
    if kind.on_erasure == "keep-until-expiry":
        return ErasureDecision(
            "keep-until-expiry", None, f"pseudonymous {name}; expires within {window.maximum_days} days"
        )
    return ErasureDecision(kind.on_erasure, None, f"{name}: {kind.legal_basis}")


def as_policy_config() -> dict[str, Any]:
    """The classes in the shape the policy pack reads (`retention` in policies/lib/facts.json)."""
    return {
        "tag": DATA_CLASS_TAG,
        "statutory_grace_days": STATUTORY_GRACE_DAYS,
        "classes": {name: kind.as_dict() for name, kind in DATA_CLASSES.items()},
    }
