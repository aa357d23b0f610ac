"""The stores the restore drill exercises: a module of its own, so the CLI names them without loading a drill."""

from __future__ import annotations

STORES: tuple[str, ...] = ("s3", "dynamodb", "rds")
"""The stores the restore drill exercises, in the order it drills them."""
