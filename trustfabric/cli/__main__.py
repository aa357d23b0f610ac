"""`python -m trustfabric.cli`: the same as the `trustfabric` console script."""

from trustfabric.cli import main

main()
