"""The residency table: where each jurisdiction's data may live and how long its records are kept.

This module is the single source of these facts. The stack program reads it to place cells, the policy pack
reads it (and exposes it as policy config) to judge residency and retention, and the docs cite it.

Sources of the statutory retention periods (the floor our backup plans and log retention must meet):

- **UK, 6 years (HMRC).** Finance Act 1998, Schedule 18, paragraph 21 (company tax records kept six years from
  the end of the accounting period) and Value Added Tax Act 1994, Schedule 11, paragraph 6(3) (VAT records six
  years). Companies Act 2006 s.388 sets three years for private companies, so HMRC's six years governs.
- **EU, 10 years.** The strictest member state we serve: Germany, Abgabenordnung (AO) § 147(3) and
  Handelsgesetzbuch (HGB) § 257(4), ten years for books, annual accounts and accounting records. Other member
  states we serve require less (for example France, Code de commerce art. L123-22: ten years; Ireland,
  Companies Act 2014 s.285: six years), so ten years covers all of them.
- **US, 7 years (IRS).** 26 CFR 1.6001-1(e) (keep records as long as they may be material to any tax law) read
  with IRS Publication 583: the longest ordinary limitation period (claims for worthless securities or bad
  debt deductions, IRC § 6511(d)(1)) is seven years.
- **CA, 6 years (CRA).** Income Tax Act (R.S.C. 1985, c. 1 (5th Supp.)) s.230(4)(b): records kept six years
  from the end of the last tax year to which they relate; Excise Tax Act s.286(3) for GST/HST likewise.

Usage::

    from domain.residency import JURISDICTIONS, jurisdiction

    uk = jurisdiction("UK")
    assert uk.primary_region == "eu-west-2" and uk.retention_days == 6 * 365 + 2
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Leap days a span of N years can contain, so that a retention "N years" is never one day short.
_DAYS_PER_YEAR = 365


@dataclass(frozen=True)
class Jurisdiction:
    """One jurisdiction cell's residency and retention facts."""

    code: str
    """Short code used in tags and config: UK, EU, US, CA."""
    name: str
    """Human name, for docs and messages."""
    primary_region: str
    """Region of the primary footprint (the `prod` stack)."""
    standby_region: str
    """Paired region: replicas, backup copies and the `dr` stack's footprint."""
    allowed_regions: tuple[str, ...]
    """Every region the jurisdiction's data may be stored or processed in."""
    retention_years: int
    """Statutory record retention, in years."""
    retention_source: str
    """Where the retention period comes from (regulator and statute)."""
    regulator: str
    """The authority the records are kept for."""

    @property
    def retention_days(self) -> int:
        """The retention in days, counting every leap day the period can span (ceil(years * 365.25))."""
        return self.retention_years * _DAYS_PER_YEAR + (self.retention_years + 3) // 4

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

    def allows(self, region: str) -> bool:
        return region in self.allowed_regions

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "primary_region": self.primary_region,
            "standby_region": self.standby_region,
            "allowed_regions": list(self.allowed_regions),
            "retention_years": self.retention_years,
            "retention_days": self.retention_days,
            "retention_source": self.retention_source,
            "regulator": self.regulator,
        }


JURISDICTIONS: dict[str, Jurisdiction] = {
    j.code: j
    for j in (
        Jurisdiction(
            code="UK",
            name="United Kingdom",
            primary_region="eu-west-2",
            standby_region="eu-west-1",
            allowed_regions=("eu-west-2", "eu-west-1"),
            retention_years=6,
            retention_source="Finance Act 1998 Sch 18 para 21; VAT Act 1994 Sch 11 para 6(3)",
            regulator="HMRC",
        ),
        Jurisdiction(
            code="EU",
            name="European Union",
            primary_region="eu-central-1",
            standby_region="eu-west-1",
            allowed_regions=("eu-central-1", "eu-west-1", "eu-west-3", "eu-north-1"),
            retention_years=10,
            retention_source="DE Abgabenordnung s.147(3); Handelsgesetzbuch s.257(4)",
            regulator="EU member-state tax authorities (strictest: DE)",
        ),
        Jurisdiction(
            code="US",
            name="United States",
            primary_region="us-east-1",
            standby_region="us-west-2",
            allowed_regions=("us-east-1", "us-east-2", "us-west-2"),
            retention_years=7,
            retention_source="26 CFR 1.6001-1(e); IRC s.6511(d)(1); IRS Publication 583",
            regulator="IRS",
        ),
        Jurisdiction(
            code="CA",
            name="Canada",
            primary_region="ca-central-1",
            standby_region="ca-west-1",
            allowed_regions=("ca-central-1", "ca-west-1"),
            retention_years=6,
            retention_source="Income Tax Act s.230(4)(b); Excise Tax Act s.286(3)",
            regulator="CRA",
        ),
    )
}

CODES: tuple[str, ...] = tuple(JURISDICTIONS)


def jurisdiction(code: str) -> Jurisdiction:
    """The jurisdiction for a code; raises KeyError naming the allowed codes."""
    try:
        return JURISDICTIONS[code]
    except KeyError:
        raise KeyError(f"unknown jurisdiction {code!r}; allowed: {', '.join(CODES)}") from None


def as_policy_config() -> dict[str, Any]:
    """The table in the shape the policy pack takes as config (`residency` property)."""
    return {code: j.as_dict() for code, j in JURISDICTIONS.items()}
