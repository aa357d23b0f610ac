"""`python -m slogen`: see `slogen.cli`."""

from slogen.cli import main

raise SystemExit(main())
