"""The vendor risk register (`compliance/vendors.yaml`): read strictly, validated against its JSON schema
(`compliance/vendors.schema.json`), and checked for what a schema cannot say.

Beyond the schema: no vendor twice; a review no older than `review_interval_days` on the day asked about
(`overdue`); a vendor receiving personal data that processes it in `OTHER` jurisdictions, or nowhere in the EU or
UK (so EU and UK customers' data leaves them), names a transfer safeguard (adequacy, scc or dpf; GDPR Art.45/46).

Usage::

    from trustfabric.privacy.vendors import load_register, overdue

    register = load_register()                       # TrustFabricError (exit 2), one line, on a bad file
    late = overdue(register, date.today())           # ["GitHub: last review 2025-04-18, due 2026-04-18"]
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from domain.strict_yaml import YamlProblem, load_yaml
from trustfabric.errors import TrustFabricError

REPO_ROOT = Path(__file__).resolve().parents[2]
REGISTER = REPO_ROOT / "compliance" / "vendors.yaml"
SCHEMA = REPO_ROOT / "compliance" / "vendors.schema.json"
EEA_UK = ("EU", "UK")


@dataclass(frozen=True)
class Vendor:
    vendor: str
    personal_data: bool
    jurisdictions: tuple[str, ...]
    last_review: date
    risk: str


@dataclass(frozen=True)
class VendorRegister:
    source: str
    review_interval_days: int
    vendors: tuple[Vendor, ...]


def _where(path: Any) -> str:
    parts = [f"[{p}]" if isinstance(p, int) else f".{p}" for p in path]
    return "".join(parts).lstrip(".") or "(top)"


def parse_register(data: Any, source: str) -> VendorRegister:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        raise TrustFabricError(f"{source}: {_where(first.absolute_path)}: {first.message}")
    vendors: list[Vendor] = []
    seen: set[str] = set()
    for index, entry in enumerate(data["vendors"]):
        name = entry["vendor"]
        if name in seen:
            raise TrustFabricError(f"{source}: vendors[{index}].vendor: {name!r} is listed twice")
        seen.add(name)
        places = entry["jurisdictions"]
        leaves = "OTHER" in places or not any(code in EEA_UK for code in places)
        if entry["personal_data"] and leaves and entry.get("transfer_safeguard", "not-applicable") == "not-applicable":
            raise TrustFabricError(
                f"{source}: vendors[{index}].transfer_safeguard: {name} processes personal data outside the EU and "
                f"UK ({', '.join(places)}); allowed: adequacy, scc, dpf"
            )
        vendors.append(
            Vendor(
                vendor=name,
                personal_data=entry["personal_data"],
                jurisdictions=tuple(entry["jurisdictions"]),
                last_review=date.fromisoformat(entry["last_review"]),
                risk=entry["risk"],
            )
        )
    return VendorRegister(source, data["review_interval_days"], tuple(vendors))


def load_register(path: Path = REGISTER) -> VendorRegister:
    """The register at `path`; TrustFabricError naming the file and the bad key when it is not valid."""
    source = path.name if path.parent == REPO_ROOT / "compliance" else str(path)
    source = f"compliance/{source}" if path.parent == REPO_ROOT / "compliance" else source
    try:
        data = load_yaml(path.read_text(encoding="utf-8"), timestamps=False)
    except OSError as error:
        raise TrustFabricError(f"{source}: {error.strerror}") from None
    except YamlProblem as problem:
        raise TrustFabricError(f"{source}:{problem.line}: {problem.path}: {problem.problem}") from None
    except yaml.YAMLError as error:
        raise TrustFabricError(f"{source}: {' '.join(str(error).split())}") from None
    return parse_register(data, source)


def overdue(register: VendorRegister, today: date) -> list[str]:
    """Vendors whose last review is older than the interval on `today`, one line each."""
    late: list[str] = []
    for vendor in register.vendors:
        due = vendor.last_review + timedelta(days=register.review_interval_days)
        if due < today:
            late.append(f"{vendor.vendor}: last review {vendor.last_review.isoformat()}, due {due.isoformat()}")
    return late
