"""Generated sections of docs/compliance: the statutory retention table comes from domain/residency.py.

The table sits between `<!-- BEGIN generated: retention -->` and `<!-- END generated: retention -->` in
docs/compliance/data-retention-and-deletion.md; tests/trustfabric/evidence/test_docs.py fails when it is stale.

Usage::

    python -m trustfabric.evidence.docs            # rewrite the generated sections
    python -m trustfabric.evidence.docs --check    # exit 1 when a generated section is stale
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from domain.residency import JURISDICTIONS

from ..paths import REPO_ROOT

RETENTION_DOC = REPO_ROOT / "docs" / "compliance" / "data-retention-and-deletion.md"
BEGIN = "<!-- BEGIN generated: retention (python -m trustfabric.evidence.docs) -->"
END = "<!-- END generated: retention -->"


def retention_table() -> str:
    """The per-jurisdiction statutory retention table, from the residency table (the single source)."""
    lines = [
        "| Jurisdiction | Regulator | Retention | Days enforced | Source | Regions |",
        "|---|---|---|---|---|---|",
    ]
    for code, jurisdiction in JURISDICTIONS.items():
        lines.append(
            f"| {code} ({jurisdiction.name}) | {jurisdiction.regulator} | {jurisdiction.retention_years} years | "
            f"{jurisdiction.retention_days} | {jurisdiction.retention_source} | "
            f"{', '.join(jurisdiction.allowed_regions)} |"
        )
    return "\n".join(lines)


def render_retention_section(text: str) -> str:
    """`text` with its generated retention block replaced by the current table."""
    head, begin, rest = text.partition(BEGIN)
    _, end, tail = rest.partition(END)
    if not begin or not end:
        raise ValueError(f"{RETENTION_DOC}: the generated retention markers are missing")
    return f"{head}{BEGIN}\n{retention_table()}\n{END}{tail}"


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite the generated sections, or with --check exit 1 when they are stale."""
    parser = argparse.ArgumentParser(prog="python -m trustfabric.evidence.docs")
    parser.add_argument("--check", action="store_true", help="fail when stale instead of writing")
    args = parser.parse_args(argv)
    current = RETENTION_DOC.read_text(encoding="utf-8")
    expected = render_retention_section(current)
    if args.check:
        if current != expected:
            print(f"{RETENTION_DOC}: stale retention table; run python -m trustfabric.evidence.docs", file=sys.stderr)
            return 1
        return 0
    RETENTION_DOC.write_text(expected, encoding="utf-8")
    print(f"wrote {RETENTION_DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
