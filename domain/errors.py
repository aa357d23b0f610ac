"""Bad input, as every layer reports it: one line naming the file, key or value and what is allowed, exit code 2.

The layers above raise their own subclasses (`slogen.spec.SloSpecError`); a command-line entry point prints
`error: <message>` on stderr and exits with `exit_code`, never with a traceback.
"""

from __future__ import annotations


class InputError(Exception):
    """Bad input the user can fix: the message names the file, key or value and what is allowed."""

    exit_code = 2
