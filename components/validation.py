"""Argument checks shared by components: pure functions that raise ValueError naming the input and what is allowed."""

from __future__ import annotations

from collections.abc import Iterable

from domain.residency import CODES, JURISDICTIONS


def require_jurisdiction(component: str, field: str, code: str) -> None:
    if code not in JURISDICTIONS:
        raise ValueError(f"{component}: {field}: unknown jurisdiction {code!r}; allowed: {', '.join(CODES)}")


def require_region_in_jurisdiction(component: str, field: str, region: str, code: str) -> None:
    allowed = JURISDICTIONS[code].allowed_regions
    if region not in allowed:
        raise ValueError(
            f"{component}: {field}: region {region!r} is outside {code}'s allowed regions; "
            f"allowed: {', '.join(allowed)}"
        )


def require_range(component: str, field: str, value: int, minimum: int, maximum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise ValueError(f"{component}: {field}: {value!r} is out of range; allowed: {minimum}..{maximum}")


def require_choice(component: str, field: str, value: str, allowed: Iterable[str]) -> None:
    options = tuple(allowed)
    if value not in options:
        raise ValueError(f"{component}: {field}: {value!r} is not allowed; allowed: {', '.join(options)}")


def require_non_empty(component: str, field: str, values: Iterable[object]) -> None:
    if not list(values):
        raise ValueError(f"{component}: {field}: must not be empty")
