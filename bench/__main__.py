"""`python -m bench`: every benchmark, in turn."""

import sys

from bench import check, datasets, preview

sys.exit(preview.main(sys.argv[1:]) or check.main([]) or datasets.main([]))
