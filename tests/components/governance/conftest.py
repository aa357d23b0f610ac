"""Fixtures: the repository's stacks, each run once per session (tests/components/helpers.py)."""

from __future__ import annotations

from tests.components.helpers import dev, dr, prod

__all__ = ["dev", "dr", "prod"]
