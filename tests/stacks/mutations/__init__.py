"""Mutations of the real stacks that the gate must catch: one per mandatory policy that reaches our resources.

The model (`Mutation`, `Transformation`, `delete_resources`) lives in `model`, the argument edits in `edits`.
Every other module of this package holds the mutations for the policies of one domain, as a `MUTATIONS` tuple:
`security`, `storage`, `resilience`, `network`, `observability`, `kubernetes`, `governance`. A new domain adds a
module; `MUTATIONS` below collects every domain module of the package, so no shared list is edited.

tests/stacks/mutations/test_mutations.py runs each group of mutations (by default: all of one stack) in one
program run and asserts, per policy, that exactly the flagged resource is reported, mandatory, with the expected
words, and that the unmutated stack has no violation of that policy. Mutations in one group may touch the same
resource only through properties that no other policy of the group judges.

Usage::

    from tests.stacks.mutations import MUTATIONS, Transformation, delete_resources, groups

    mutations = groups(MUTATIONS)["dev"]
    transformation = Transformation(mutations)
    graph = delete_resources(run_program(repo_root, "dev", transformations=[transformation]), mutations)
    assert transformation.unapplied() == []
"""

from __future__ import annotations

import importlib
import pkgutil

from tests.stacks.mutations.edits import DELETE, drop_key, set_at, update_at
from tests.stacks.mutations.model import STACK, Mutation, Transformation, delete_resources, groups

SUPPORT_MODULES = ("edits", "model")
"""Modules of this package that hold no mutations."""


def domain_modules() -> list[str]:
    """The package's domain modules, by name (every module but the support modules and the tests)."""
    return [
        name
        for _, name, is_package in pkgutil.iter_modules(__path__)
        if not is_package and name not in SUPPORT_MODULES and not name.startswith("test_")
    ]


def collect() -> tuple[Mutation, ...]:
    """Every domain module's `MUTATIONS`, domain by domain in name order."""
    mutations: list[Mutation] = []
    for name in domain_modules():
        mutations += importlib.import_module(f"{__name__}.{name}").MUTATIONS
    return tuple(mutations)


MUTATIONS = collect()

__all__ = [
    "DELETE",
    "MUTATIONS",
    "STACK",
    "Mutation",
    "Transformation",
    "collect",
    "delete_resources",
    "domain_modules",
    "drop_key",
    "groups",
    "set_at",
    "update_at",
]
