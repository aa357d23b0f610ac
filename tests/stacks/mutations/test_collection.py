"""The package collects every domain module's mutations, so a new domain only adds a module."""

from __future__ import annotations

import importlib

from tests.stacks import mutations
from tests.stacks.mutations import MUTATIONS, Mutation, domain_modules


def test_every_domain_module_contributes_its_mutations_once() -> None:
    names = domain_modules()
    assert "model" not in names and "edits" not in names
    assert not any(name.startswith("test_") for name in names)
    collected: list[Mutation] = []
    for name in names:
        module_mutations = importlib.import_module(f"{mutations.__name__}.{name}").MUTATIONS
        assert module_mutations, f"{name} holds no mutations"
        assert all(isinstance(mutation, Mutation) for mutation in module_mutations), name
        collected += module_mutations
    assert list(MUTATIONS) == collected
