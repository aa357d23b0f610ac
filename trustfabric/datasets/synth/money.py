"""Currencies, their precision, tax rates and the rounding the expected outputs follow.

Minor units are ISO 4217's: JPY has none, most currencies two, the Gulf and North African dinars three.
Amounts are Decimal and rounded half up at the currency's precision (`quantize`), once per converted line and
once per invoice's tax, so totals are sums of rounded lines.

Usage::

    from decimal import Decimal
    from trustfabric.datasets.synth.money import quantize

    assert quantize(Decimal("10.005"), "GBP") == Decimal("10.01")
    assert quantize(Decimal("1234.5"), "JPY") == Decimal("1235")
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

MINOR_UNITS: dict[str, int] = {
    "GBP": 2,
    "EUR": 2,
    "USD": 2,
    "CAD": 2,
    "CHF": 2,
    "SEK": 2,
    "JPY": 0,
    "KRW": 0,
    "KWD": 3,
    "BHD": 3,
    "OMR": 3,
    "JOD": 3,
}
"""ISO 4217 minor units of the currencies the generator uses."""

REPORTING_CURRENCY: dict[str, str] = {"UK": "GBP", "EU": "EUR", "US": "USD", "CA": "CAD"}

TAX_RATES: dict[str, tuple[tuple[str, Decimal], ...]] = {
    "UK": (("vat-standard", Decimal("0.20")), ("vat-reduced", Decimal("0.05"))),
    "EU": (
        ("vat-de", Decimal("0.19")),
        ("vat-fr", Decimal("0.20")),
        ("vat-ie", Decimal("0.23")),
        ("vat-nl", Decimal("0.21")),
    ),
    "US": (
        ("sales-tax-ny", Decimal("0.08875")),
        ("sales-tax-ca", Decimal("0.0725")),
        ("sales-tax-tx", Decimal("0.0625")),
    ),
    "CA": (("gst", Decimal("0.05")), ("hst-on", Decimal("0.13")), ("hst-ns", Decimal("0.14"))),
}
"""Indirect tax rates by jurisdiction (name, rate), as applied to an invoice's net total."""


def precision(currency: str) -> int:
    return MINOR_UNITS[currency]


def minor_unit(currency: str) -> Decimal:
    return Decimal(1).scaleb(-precision(currency))


def quantize(amount: Decimal, currency: str) -> Decimal:
    """`amount` rounded half up to the currency's minor unit."""
    return amount.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def from_minor(units: int, currency: str) -> Decimal:
    """An amount from a count of minor units (1234 GBP-pence -> 12.34)."""
    return Decimal(units).scaleb(-precision(currency))


def text(amount: Decimal, currency: str) -> str:
    """The amount as a document prints it: fixed decimals, no grouping."""
    return f"{quantize(amount, currency):.{precision(currency)}f}"
