"""`trustfabric release`: placeholder until the gate lands."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    return None
