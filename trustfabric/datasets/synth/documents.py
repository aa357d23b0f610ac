"""Each edge case rendered as a document, with the expected output the rules in `calendars` and `money` give.

Documents are plain text (invoices, receipts), CSV (ledgers) or JSON (returns as submitted). Faker supplies
company names, streets and cities in the jurisdiction's locale; identifiers are the generator's own
(`INV-2024-00042`, `JRN-00017`, `RET-UK-2024Q2-00007`), shaped so no redaction rule mistakes them for personal
data, and no person's name, email, phone or bank detail is ever written.

Usage::

    rendered = render_ledger(case, fake)
    rendered.document, rendered.expected, rendered.tolerances
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from faker import Faker

from ..compare import json_value
from .calendars import DATE_FORMATS, tax_year
from .money import REPORTING_CURRENCY, minor_unit, precision, quantize, text
from .strategies import BoundaryCase, FilingCase, LedgerCase, MixedCase, PrecisionCase

FILING_TYPES: dict[str, dict[str, str]] = {
    "UK": {"indirect": "vat-return", "income": "self-assessment", "company": "corporation-tax"},
    "EU": {"indirect": "vat-return", "income": "oss-return", "company": "corporate-income-tax"},
    "US": {"indirect": "sales-tax", "income": "form-1040", "company": "form-1120"},
    "CA": {"indirect": "gst-hst-return", "income": "t1", "company": "t2"},
}
TREATMENT: dict[str, str] = {
    "UK": "reverse-charge",
    "EU": "reverse-charge",
    "US": "use-tax-self-assessed",
    "CA": "gst-self-assessed",
}
"""How a taxpayer accounts for a supply received from another jurisdiction."""
FORMS: dict[str, str] = {"UK": "VAT100", "EU": "VAT-RETURN", "US": "SALES-TAX-RETURN", "CA": "GST34"}


@dataclass(frozen=True)
class Rendered:
    case: str
    filing_type: str
    document_type: str
    workflow: str
    document_name: str
    media_type: str
    document: bytes
    expected: dict[str, Any]
    tolerances: dict[str, Any] = field(default_factory=dict)
    notes: str = ""


def _unit_tolerance(currency: str) -> dict[str, Any]:
    """One minor unit of the currency (conversions may round the other way at a half)."""
    return {"absolute": json_value(minor_unit(currency))}


def render_ledger(case: LedgerCase, fake: Faker) -> Rendered:
    reporting = case.reporting_currency
    rows = ["date,reference,description,currency,amount"]
    entries = []
    total = Decimal(0)
    for entry in case.entries:
        converted = quantize(entry.amount * entry.rate, reporting)
        total += converted
        reference = f"JRN-{entry.sequence:05d}"
        rows.append(
            f"{entry.day.isoformat()},{reference},{fake.city()} services,{entry.currency},{text(entry.amount, entry.currency)}"
        )
        entries.append(
            {
                "reference": reference,
                "date": entry.day.isoformat(),
                "currency": entry.currency,
                "amount": json_value(quantize(entry.amount, entry.currency)),
                "fx_rate": json_value(entry.rate),
                "amount_reporting": json_value(converted),
            }
        )
    rates = sorted({(e.day, e.currency, e.rate) for e in case.entries} | set(case.decoy_rates))
    rows.append("")
    rows.append(f"# exchange rates: units of {reporting} per unit of currency, by date")
    rows.append("date,currency,rate")
    rows += [f"{day.isoformat()},{currency},{rate:.6f}" for day, currency, rate in rates]
    header = f"# ledger of {fake.company()}, reporting currency {reporting}\n"
    last_day = case.entries[-1].day
    return Rendered(
        case="multi-currency-ledger",
        filing_type=FILING_TYPES[case.jurisdiction]["company"],
        document_type="ledger",
        workflow="tax-computation",
        document_name="document.csv",
        media_type="text/csv",
        document=(header + "\n".join(rows) + "\n").encode("utf-8"),
        expected={
            "reporting_currency": reporting,
            "entries": entries,
            "total_reporting": json_value(total),
            "tax_year": tax_year(case.jurisdiction, last_day),
        },
        tolerances={
            "entries[*].amount_reporting": _unit_tolerance(reporting),
            "total_reporting": _unit_tolerance(reporting),
        },
        notes="Each entry converts at the rate of its own date, rounded half up to the reporting currency; the total sums the rounded lines.",
    )


def render_mixed(case: MixedCase, fake: Faker) -> Rendered:
    number = f"INV-{case.day.year}-{case.sequence:05d}"
    amount = text(case.net, case.currency)
    document = (
        f"INVOICE {number}\n"
        f"Supplier: {fake.company()}, {fake.city()} ({case.supplier})\n"
        f"Customer: {fake.company()} ({case.taxpayer})\n"
        f"Date: {case.day.isoformat()}\n"
        f"Description: {case.category.replace('-', ' ')}\n"
        f"Net: {amount} {case.currency}\n"
        f"Tax: {text(Decimal(0), case.currency)} {case.currency} (supply from abroad)\n"
        f"Total: {amount} {case.currency}\n"
    )
    return Rendered(
        case="mixed-jurisdiction",
        filing_type=FILING_TYPES[case.taxpayer]["indirect"],
        document_type="invoice",
        workflow="categorisation",
        document_name="document.txt",
        media_type="text/plain",
        document=document.encode("utf-8"),
        expected={
            "invoice_number": number,
            "taxpayer_jurisdiction": case.taxpayer,
            "supplier_jurisdiction": case.supplier,
            "cross_border": True,
            "currency": case.currency,
            "total": json_value(quantize(case.net, case.currency)),
            "category": case.category,
            "tax_treatment": TREATMENT[case.taxpayer],
        },
        notes="A taxpayer filing in one jurisdiction invoiced from another: the treatment follows the taxpayer's rules.",
    )


def render_filing(case: FilingCase, fake: Faker) -> Rendered:
    currency = REPORTING_CURRENCY[case.jurisdiction]
    quarter = (case.period_start.month - 1) // 3 + 1
    reference = f"RET-{case.jurisdiction}-{case.period_start.year}Q{quarter}-{case.sequence:05d}"
    end_month = case.period_start.month + 2
    period_end = case.period_start.replace(month=end_month, day=31 if end_month in (3, 12) else 30)
    boxes: dict[str, Any] = {"output_tax": case.output_tax, "input_tax": case.input_tax}
    for missing in case.missing:
        boxes[missing] = None
    form: dict[str, Any] = {
        "form": FORMS[case.jurisdiction],
        "taxpayer": fake.company(),
        "reference": reference + ("-A1" if case.status == "amended" else ""),
        "period": {"start": case.period_start.isoformat(), "end": period_end.isoformat()},
        "currency": currency,
        "boxes": {key: None if value is None else text(value, currency) for key, value in boxes.items()},
    }
    expected: dict[str, Any] = {
        "filing_reference": form["reference"],
        "filing_status": case.status,
        "period_start": case.period_start.isoformat(),
        "period_end": period_end.isoformat(),
        "currency": currency,
        "output_tax": None if "output_tax" in case.missing else json_value(case.output_tax),
        "input_tax": None if "input_tax" in case.missing else json_value(case.input_tax),
        "net_tax_due": None if case.missing else json_value(case.output_tax - case.input_tax),
    }
    if case.status == "amended":
        assert case.original is not None
        form["amends"] = reference
        form["original_boxes"] = {
            "output_tax": text(case.original[0], currency),
            "input_tax": text(case.original[1], currency),
        }
        expected["amends"] = reference
        expected["adjustment"] = json_value((case.output_tax - case.input_tax) - (case.original[0] - case.original[1]))
    if case.status == "partial":
        expected["missing_fields"] = list(case.missing)
    return Rendered(
        case=f"{case.status}-filing",
        filing_type=FILING_TYPES[case.jurisdiction]["indirect"],
        document_type="tax-return",
        workflow="extraction" if case.status == "partial" else "tax-computation",
        document_name="document.json",
        media_type="application/json",
        document=(json.dumps(form, indent=2, sort_keys=True) + "\n").encode("utf-8"),
        expected=expected,
        notes={
            "amended": "An amended return: net tax due from the new boxes, and the adjustment against the original.",
            "partial": "A partial return: the empty boxes are reported missing and no net tax is computed.",
            "original": "An original return.",
        }[case.status],
    )


def render_boundary(case: BoundaryCase, fake: Faker) -> Rendered:
    number = f"RCT-{case.sequence:05d}"
    document = (
        f"RECEIPT {number}\n{fake.company()}\n{fake.street_address()}, {fake.city()}\n"
        f"Date: {case.day.strftime(DATE_FORMATS[case.jurisdiction])}\n"
        f"Total: {text(case.total, case.currency)} {case.currency}\n"
    )
    if case.jurisdiction == "EU":
        document += f"Financial year starts: {case.start_month:02d}-01\n"
    return Rendered(
        case="fiscal-year-boundary",
        filing_type=FILING_TYPES[case.jurisdiction]["income"],
        document_type="receipt",
        workflow="extraction",
        document_name="document.txt",
        media_type="text/plain",
        document=document.encode("utf-8"),
        expected={
            "receipt_number": number,
            "document_date": case.day.isoformat(),
            "tax_year": tax_year(case.jurisdiction, case.day, case.start_month),
            "currency": case.currency,
            "total": json_value(quantize(case.total, case.currency)),
        },
        notes="A date on a tax-year boundary or a leap day, printed in the jurisdiction's own date format.",
    )


def render_precision(case: PrecisionCase, fake: Faker) -> Rendered:
    currency = case.currency
    net = sum((quantity * price for quantity, price in case.lines), Decimal(0))
    tax = quantize(net * case.tax_rate, currency)
    number = f"INV-{case.day.year}-{case.sequence:05d}"
    rows = [
        f"INVOICE {number}",
        f"{fake.company()}, {fake.city()}",
        f"Date: {case.day.isoformat()}",
        f"Currency: {currency}",
    ]
    rows += [f"{quantity} x {text(price, currency)}" for quantity, price in case.lines]
    rows += [f"Net: {text(net, currency)}", f"Tax rate: {case.tax_rate * 100:g}% ({case.tax_name})"]
    return Rendered(
        case="currency-precision",
        filing_type=FILING_TYPES[case.jurisdiction]["indirect"],
        document_type="invoice",
        workflow="tax-computation",
        document_name="document.txt",
        media_type="text/plain",
        document=("\n".join(rows) + "\n").encode("utf-8"),
        expected={
            "invoice_number": number,
            "currency": currency,
            "precision": precision(currency),
            "net": json_value(quantize(net, currency)),
            "tax_rate": json_value(case.tax_rate),
            "tax": json_value(tax),
            "gross": json_value(quantize(net, currency) + tax),
        },
        notes="Tax on the net total, rounded half up at the currency's precision (JPY 0 decimals, KWD 3).",
    )
