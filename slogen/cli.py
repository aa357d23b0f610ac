"""`python -m slogen --out DIR [--slo-dir slos] [--runbook-base-url URL]`: write every generated file.

A bad spec prints one line, `error: <file>: <field>: <what is wrong>`, and exits 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from slogen.documents import DEFAULT_SLO_DIR
from slogen.render import write_all
from slogen.spec import SloSpecError


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments, write the files, report what was written or the spec error."""
    parser = argparse.ArgumentParser(
        prog="python -m slogen", description="Generate alerting artefacts from the SLO specs in slos/."
    )
    parser.add_argument("--out", required=True, type=Path, help="directory to write the artefacts into")
    parser.add_argument("--slo-dir", type=Path, default=DEFAULT_SLO_DIR, help="directory of SLO specs")
    parser.add_argument("--runbook-base-url", default="", help="prefix for runbook links, e.g. a repository URL")
    arguments = parser.parse_args(argv)
    try:
        written = write_all(arguments.out, arguments.slo_dir, arguments.runbook_base_url)
    except SloSpecError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    print(f"wrote {len(written)} files to {arguments.out}")
    return 0
