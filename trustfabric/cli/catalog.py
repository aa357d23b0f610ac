"""`python -m trustfabric.cli.catalog`: write docs/policies.md from the policy pack, or check it is current.

Usage::

    python -m trustfabric.cli.catalog            # write docs/policies.md
    python -m trustfabric.cli.catalog --check    # exit 1 when docs/policies.md is stale
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ..report.catalog import DOCS_PATH, REGENERATE, catalog, render_markdown
from . import common


def main(argv: Sequence[str] | None = None) -> int:
    """Write docs/policies.md, or with --check fail (exit 1) when it differs from the policies."""
    parser = argparse.ArgumentParser(prog=REGENERATE, description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when the file is stale instead of writing")
    parser.add_argument("--output", type=Path, default=DOCS_PATH, help="default: docs/policies.md")
    args = parser.parse_args(argv)
    expected = render_markdown(catalog(common.pack_policies()))
    output: Path = args.output
    if args.check:
        current = output.read_text(encoding="utf-8") if output.is_file() else ""
        if current != expected:
            print(f"{output}: stale policy catalog; run {REGENERATE}", file=sys.stderr)
            return 1
        print(f"{output}: up to date", file=sys.stderr)
        return 0
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(expected, encoding="utf-8")
    print(f"wrote {output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
