"""Tax years and fiscal years: which year a date's records belong to, per jurisdiction.

- **UK**: the income tax year runs 6 April to 5 April (Income Tax Act 2007 s.4); labelled "2024-25".
- **US**: individuals file by calendar year (26 U.S.C. s.441(b)); "2024".
- **CA**: individuals file by calendar year (Income Tax Act s.249(1)); "2024".
- **EU**: member states differ and companies may choose their financial year; a taxpayer's year starts on the
  first day of `start_month` (1: calendar year, "2024"; otherwise "2024-25" for the year starting in 2024).

Usage::

    from datetime import date
    from trustfabric.datasets.synth.calendars import tax_year

    assert tax_year("UK", date(2024, 4, 5)) == "2023-24"
    assert tax_year("EU", date(2024, 3, 31), start_month=4) == "2023-24"
"""

from __future__ import annotations

from datetime import date

UK_YEAR_START = (4, 6)
"""Month and day the UK tax year starts."""
DATE_FORMATS: dict[str, str] = {"UK": "%d/%m/%Y", "EU": "%d.%m.%Y", "US": "%m/%d/%Y", "CA": "%Y-%m-%d"}
"""How a receipt from each jurisdiction prints its date (dd/mm and mm/dd are a classic extraction trap)."""


def year_start(jurisdiction: str, start_month: int = 1) -> tuple[int, int]:
    """(month, day) the jurisdiction's (or EU taxpayer's) tax year starts."""
    if jurisdiction == "UK":
        return UK_YEAR_START
    if jurisdiction == "EU":
        return (start_month, 1)
    return (1, 1)


def _label(start_year: int, month_day: tuple[int, int]) -> str:
    if month_day == (1, 1):
        return str(start_year)
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def tax_year(jurisdiction: str, day: date, start_month: int = 1) -> str:
    """The label of the tax year `day` falls in."""
    month_day = year_start(jurisdiction, start_month)
    start_year = day.year if (day.month, day.day) >= month_day else day.year - 1
    return _label(start_year, month_day)
