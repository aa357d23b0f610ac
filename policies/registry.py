"""The registry of policy modules: every module under policies/<provider>/... that defines POLICY.

Only `policies/__main__.py` builds the PolicyPack (its constructor starts a gRPC server); the offline gate and
the docs read the same policy objects from here.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import Any

import policies

PACK_NAME = "trust-fabric"
PROVIDER_PACKAGES = (
    "policies.aws",
    "policies.kubernetes",
    "policies.vault",
    "policies.stack",
    "policies.github",
    "policies.pagerduty",
    "policies.datadog",
)


@cache
def policy_modules() -> tuple[str, ...]:
    """Dotted names of every policy module, sorted."""
    names: list[str] = []
    for package_name in PROVIDER_PACKAGES:
        try:
            package = importlib.import_module(package_name)
        except ModuleNotFoundError:
            continue
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
            if not info.ispkg:
                names.append(info.name)
    return tuple(sorted(names))


@cache
def all_policies() -> tuple[Any, ...]:
    """Every registered policy object, in module order; raises when a module lacks POLICY or names collide."""
    found: list[Any] = []
    seen: dict[str, str] = {}
    for module_name in policy_modules():
        module = importlib.import_module(module_name)
        policy = getattr(module, "POLICY", None)
        if policy is None:
            raise RuntimeError(f"{module_name}: policy modules must define POLICY")
        if policy.name in seen:
            raise RuntimeError(f"{module_name}: policy name {policy.name!r} already used by {seen[policy.name]}")
        seen[policy.name] = module_name
        policy.module = module_name
        found.append(policy)
    return tuple(found)


def by_name() -> dict[str, Any]:
    return {policy.name: policy for policy in all_policies()}


__all__ = ["PACK_NAME", "all_policies", "by_name", "policies", "policy_modules"]
