"""The `trustfabric` command line: preview, diff and gate Pulumi stacks offline; audit, drills and evidence.

Contract (outside tests call exactly this; extend it, never break it)::

    trustfabric preview --stack NAME [--program DIR] [--format text|json]
    trustfabric check   --stack NAME [--program DIR] [--policy-config FILE] [--format text|json|sarif]

Exit codes: 0 success, 1 a mandatory violation (check) or a difference (diff --exit-code), 2 bad input, with one
line on stderr naming what is wrong and no traceback. An unexpected crash anywhere is exit 2 too (never 1, which
CI reads as "violations found"): one line naming the error, plus "run with --debug for the traceback". Global
options (`--version`, `-q/--quiet`, `-v/--verbose`, `--debug`) come before the command; `trustfabric` alone, or
a group alone, prints its help and exits 0.

One module per command group, each adding its commands to the one app (`common.app`): `preview` (preview,
diff), `check`, `audit`, `drills` (with `drills_database` and `drills_report` adding to its group), `evidence`
(evidence, verify; `evidence_history` adds timeline, sample and the ledger), `controls`, `incident`, `datasets`,
`release`, `privacy`, `access`, `chaos`; `catalog` writes docs/policies.md.
"""

from __future__ import annotations

import os
import sys
import traceback

import typer

from ..errors import TrustFabricError
from .common import app, debug_enabled

# isort: off
# Importing a command group adds its commands to `app`, in this order in `--help` (the contract's first).
from . import (
    preview,
    check,
    audit,
    drills,
    drills_database,
    drills_report,
    evidence,
    evidence_history,
    controls,
    incident,
    datasets,
    release,
    privacy,
    access,
    chaos,
)
# isort: on

COMMAND_GROUPS = (
    preview,
    check,
    audit,
    drills,
    drills_database,
    drills_report,
    evidence,
    evidence_history,
    controls,
    incident,
    datasets,
    release,
    privacy,
    access,
    chaos,
)
"""The modules whose import adds their commands to `app`, in the order `--help` lists them."""


def main(argv: list[str] | None = None) -> None:
    """Console-script entry: one-line errors, exit 2 for bad input, never a traceback for user mistakes."""
    try:
        result = app(args=argv, prog_name="trustfabric", standalone_mode=False)
    except typer.Abort:
        print("error: aborted", file=sys.stderr)
        sys.exit(130)
    except typer.TyperException as error:
        if type(error).__name__ == "NoArgsIsHelpError":  # a bare group: its help is the answer (Typer tests so too)
            print(error.format_message())
            sys.exit(0)
        # Typer's own usage errors (missing option, bad choice, unknown command): one line, no usage box.
        message = str(getattr(error, "format_message", error.__str__)()).replace("Value error, ", "")
        print(f"error: {message}", file=sys.stderr)
        sys.exit(2)
    except TrustFabricError as error:
        _traceback_when_debugging(error)
        print(f"error: {error}", file=sys.stderr)
        sys.exit(error.exit_code)
    except BrokenPipeError:
        # A pager or `head` closed the pipe: not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    except Exception as error:
        # A crash is not a finding: exit 2, one line, the traceback only when asked for.
        _traceback_when_debugging(error)
        hint = "" if debug_enabled() else " (run with --debug for the traceback)"
        print(f"error: unexpected {type(error).__name__}: {_one_line(str(error))}{hint}", file=sys.stderr)
        sys.exit(2)
    sys.exit(result if isinstance(result, int) else 0)


def _one_line(message: str, limit: int = 500) -> str:
    text = " ".join(message.split()) or "(no message)"
    return text if len(text) <= limit else f"{text[:limit]}..."


def _traceback_when_debugging(error: BaseException) -> None:
    if debug_enabled():
        traceback.print_exception(error, file=sys.stderr)


__all__ = ["COMMAND_GROUPS", "app", "main"]


if __name__ == "__main__":
    main()
