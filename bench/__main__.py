"""`python -m bench`: every benchmark, in turn."""

import sys

from bench import preview

sys.exit(preview.main(sys.argv[1:]))
