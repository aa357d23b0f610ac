"""The drills' moto server (one per session, reset before each test) serves the privacy workflow too."""

from tests.trustfabric.drills.conftest import endpoint, moto_endpoint  # noqa: F401  (fixtures)
