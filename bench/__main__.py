"""`python -m bench`: every benchmark, in turn."""

import sys

from bench import datasets, preview

sys.exit(preview.main(sys.argv[1:]) or datasets.main([]))
