"""Programs shared by the tests of a policy family, run once per session, and the helpers to read results.

Usage::

    from tests.policies.programs import details, program_graph
    from tests.policies.programs.iam import BROKEN

    assert details(evaluate(POLICY, program_graph(BROKEN))) == [("admin", "IAM policy 'admin': ...")]
"""

from __future__ import annotations

import atexit
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from tests.policies.harness import run_snippet
from trustfabric.graph import ResourceGraph

_DIRECTORY = tempfile.TemporaryDirectory(prefix="policy-programs-")
atexit.register(_DIRECTORY.cleanup)


@cache
def program_graph(code: str) -> ResourceGraph:
    """The graph of `code` run as a small program (see `run_snippet`), once per session: never mutate it."""
    directory = Path(tempfile.mkdtemp(dir=_DIRECTORY.name))
    return run_snippet(directory, code)


def details(diagnostics: Any) -> list[tuple[str, str]]:
    """(resource name, violation detail) of each diagnostic, sorted."""
    return sorted((d.urn.rsplit("::", 1)[1], d.detail) for d in diagnostics)
