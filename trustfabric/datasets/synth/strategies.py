"""Hypothesis strategies for the accounting edge cases the golden datasets must hold.

Each strategy draws the facts of one case (dates, amounts, currencies, rates, filing state); `documents` turns
them into a document and its expected output. Hypothesis's generation leans toward boundaries (smallest and
largest amounts, first and last days), which is what a golden dataset of edge cases wants.

- `ledger_case`: a multi-currency ledger, each entry converted at the FX rate of its own date (the document
  also lists decoy rates of other dates).
- `mixed_jurisdiction_case`: a taxpayer of one jurisdiction invoiced from another, in the supplier's currency.
- `filing_case`: a VAT/GST/sales-tax return that is original, amended (with the original's figures) or partial
  (some boxes missing).
- `boundary_case`: a receipt dated on or next to a tax-year boundary (UK 5/6 April, US/CA 31 Dec/1 Jan, an EU
  taxpayer's own year start) or on a leap day, printed in the jurisdiction's date format.
- `precision_case`: an invoice in a currency of 0, 2 or 3 decimals, with tax rounded at that precision.

Usage::

    from trustfabric.datasets.synth.draw import draw
    from trustfabric.datasets.synth.strategies import ledger_case

    case = draw(ledger_case("UK"), random.Random(1))
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from .calendars import year_start
from .money import MINOR_UNITS, REPORTING_CURRENCY, TAX_RATES, from_minor

JURISDICTIONS = ("UK", "EU", "US", "CA")
FIRST_YEAR, LAST_YEAR = 2019, 2028
LEAP_DAYS = (date(2020, 2, 29), date(2024, 2, 29), date(2028, 2, 29))
FOREIGN_CURRENCIES = ("USD", "EUR", "GBP", "CAD", "JPY", "CHF", "SEK", "KWD")
PRECISION_CURRENCIES = ("JPY", "KRW", "GBP", "EUR", "USD", "CAD", "KWD", "BHD", "OMR", "JOD")
CATEGORIES = ("professional-services", "software", "travel", "office-supplies", "advertising", "utilities")
EU_YEAR_START_MONTHS = (1, 4, 7, 10)

_days = st.integers(min_value=0, max_value=(date(LAST_YEAR, 12, 31) - date(FIRST_YEAR, 1, 1)).days)
_years = st.integers(min_value=FIRST_YEAR, max_value=LAST_YEAR - 1)
_offsets = st.integers(min_value=-2, max_value=2)
_rates = st.integers(min_value=1, max_value=4_000_000)  # millionths: 0.000001 .. 4.000000
_sequence = st.integers(min_value=1, max_value=99_999)


def _any_date() -> st.SearchStrategy[date]:
    return _days.map(lambda days: date(FIRST_YEAR, 1, 1) + timedelta(days=days))


def _amounts(currency: str, most: int = 5_000_000) -> st.SearchStrategy[Decimal]:
    """Amounts in minor units from one unit up, so the smallest and the roundest amounts come up often."""
    scale = 10 ** MINOR_UNITS[currency]
    return st.integers(min_value=1, max_value=most * max(1, scale // 100)).map(
        lambda units: from_minor(units, currency)
    )


@st.composite
def boundary_date(draw: st.DrawFn, jurisdiction: str, start_month: int = 1) -> date:
    """A date on or within two days of the jurisdiction's tax-year start, a leap day, or any date."""
    kind = draw(st.sampled_from(("year-start", "leap-day", "any")))
    if kind == "leap-day":
        return draw(st.sampled_from(LEAP_DAYS)) + timedelta(days=draw(st.integers(-1, 1)))
    if kind == "any":
        return draw(_any_date())
    month, day = year_start(jurisdiction, start_month)
    return date(draw(_years), month, day) + timedelta(days=draw(_offsets))


@dataclass(frozen=True)
class LedgerEntry:
    day: date
    sequence: int
    currency: str
    amount: Decimal
    rate: Decimal
    """Units of the reporting currency per unit of `currency` on `day`."""


@dataclass(frozen=True)
class LedgerCase:
    jurisdiction: str
    reporting_currency: str
    entries: tuple[LedgerEntry, ...]
    decoy_rates: tuple[tuple[date, str, Decimal], ...]
    """Rates of other dates the document also lists (month ends): the wrong rates to use."""


@st.composite
def ledger_case(draw: st.DrawFn, jurisdiction: str) -> LedgerCase:
    reporting = REPORTING_CURRENCY[jurisdiction]
    start = draw(boundary_date(jurisdiction))
    count = draw(st.integers(min_value=2, max_value=6))
    entries = []
    rates: dict[tuple[date, str], Decimal] = {}  # one rate per currency and day
    for position in range(count):
        currency = draw(st.sampled_from([c for c in FOREIGN_CURRENCIES if c != reporting]))
        day = start + timedelta(days=draw(st.integers(min_value=0, max_value=45)) + position)
        rate = rates.setdefault((day, currency), Decimal(draw(_rates)).scaleb(-6))
        entries.append(LedgerEntry(day, draw(_sequence), currency, draw(_amounts(currency)), rate))
    decoys = []
    for entry in entries:
        month_end = date(entry.day.year, entry.day.month, 28) + timedelta(days=4)
        month_end -= timedelta(days=month_end.day)
        if (month_end, entry.currency) not in rates:
            rates[(month_end, entry.currency)] = Decimal(draw(_rates)).scaleb(-6)
            decoys.append((month_end, entry.currency, rates[(month_end, entry.currency)]))
    ordered = tuple(sorted(entries, key=lambda e: (e.day, e.sequence)))
    return LedgerCase(jurisdiction, reporting, ordered, tuple(decoys))


@dataclass(frozen=True)
class MixedCase:
    taxpayer: str
    supplier: str
    currency: str
    day: date
    sequence: int
    net: Decimal
    category: str


@st.composite
def mixed_jurisdiction_case(draw: st.DrawFn, jurisdiction: str) -> MixedCase:
    supplier = draw(st.sampled_from([j for j in JURISDICTIONS if j != jurisdiction]))
    currency = REPORTING_CURRENCY[supplier]
    return MixedCase(
        taxpayer=jurisdiction,
        supplier=supplier,
        currency=currency,
        day=draw(boundary_date(jurisdiction)),
        sequence=draw(_sequence),
        net=draw(_amounts(currency)),
        category=draw(st.sampled_from(CATEGORIES)),
    )


@dataclass(frozen=True)
class FilingCase:
    jurisdiction: str
    status: str
    """original, amended or partial."""
    period_start: date
    sequence: int
    output_tax: Decimal
    input_tax: Decimal
    original: tuple[Decimal, Decimal] | None
    """For an amended return: the original's output and input tax."""
    missing: tuple[str, ...]
    """For a partial return: the boxes left empty."""


@st.composite
def filing_case(draw: st.DrawFn, jurisdiction: str, status: str) -> FilingCase:
    currency = REPORTING_CURRENCY[jurisdiction]
    year = draw(_years)
    quarter_month = draw(st.sampled_from((1, 4, 7, 10)))
    output_tax, input_tax = draw(_amounts(currency)), draw(_amounts(currency))
    original = None
    if status == "amended":
        original = (draw(_amounts(currency)), draw(_amounts(currency)))
    missing: tuple[str, ...] = ()
    if status == "partial":
        missing = tuple(sorted(draw(st.sets(st.sampled_from(("output_tax", "input_tax")), min_size=1, max_size=2))))
    return FilingCase(
        jurisdiction, status, date(year, quarter_month, 1), draw(_sequence), output_tax, input_tax, original, missing
    )


@dataclass(frozen=True)
class BoundaryCase:
    jurisdiction: str
    start_month: int
    day: date
    sequence: int
    currency: str
    total: Decimal


@st.composite
def boundary_case(draw: st.DrawFn, jurisdiction: str) -> BoundaryCase:
    start_month = draw(st.sampled_from(EU_YEAR_START_MONTHS)) if jurisdiction == "EU" else 1
    currency = REPORTING_CURRENCY[jurisdiction]
    day = draw(boundary_date(jurisdiction, start_month))
    return BoundaryCase(
        jurisdiction, start_month, day, draw(_sequence), currency, draw(_amounts(currency, most=50_000))
    )


@dataclass(frozen=True)
class PrecisionCase:
    jurisdiction: str
    currency: str
    day: date
    sequence: int
    lines: tuple[tuple[int, Decimal], ...]
    """(quantity, unit price) per line."""
    tax_name: str
    tax_rate: Decimal


@st.composite
def precision_case(draw: st.DrawFn, jurisdiction: str) -> PrecisionCase:
    currency = draw(st.sampled_from(PRECISION_CURRENCIES))
    count = draw(st.integers(min_value=1, max_value=4))
    lines = tuple(
        (draw(st.integers(min_value=1, max_value=12)), draw(_amounts(currency, most=100_000))) for _ in range(count)
    )
    tax_name, tax_rate = draw(st.sampled_from(TAX_RATES[jurisdiction]))
    return PrecisionCase(jurisdiction, currency, draw(_any_date()), draw(_sequence), lines, tax_name, tax_rate)
