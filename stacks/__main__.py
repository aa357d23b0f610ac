"""Entry point the Pulumi language host runs (`main: stacks/` in Pulumi.yaml)."""

import sys
from pathlib import Path

# The repository root holds the `stacks`, `components` and `trustfabric` packages; make them importable
# whether or not the project is installed into the virtualenv the CLI uses.
_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from stacks.program import main  # noqa: E402

main()
