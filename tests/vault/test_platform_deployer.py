"""vault/policies/platform-deployer.hcl, the deploy token's Vault policy, grants exactly what the stacks write.

The paths are derived from the previews of prod, dr and dev: each Vault resource's type says which API paths
pulumi-vault calls to create, read, update and delete it (`writes`, after terraform-provider-vault's resources),
its inputs name the mount, role, key or policy, and its provider names the namespace. The policy must grant every
one of those paths through exactly one rule (Vault applies the most specific rule only, so one rule per path
keeps the answer obvious), and every rule must be used: no grant the stacks do not need, sudo only where Vault
requires it, no glob, `+` only for the cell's namespace segment, and a deny on its own name so the program can
never widen it (a Vault administrator writes it with `vault policy write`).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

import pytest

from tests.components.helpers import dev, dr, prod
from tests.conftest import REPO_ROOT
from trustfabric.graph import Resource, ResourceGraph

__all__ = ["dev", "dr", "prod"]

POLICY_FILE = REPO_ROOT / "vault" / "policies" / "platform-deployer.hcl"
POLICY_NAME = "platform-deployer"
RULE = re.compile(r'path "([^"\s]+)" \{\n  capabilities = (\[[^\]\n]*\])\n\}\n?')
CAPABILITIES = frozenset({"create", "read", "update", "delete", "list", "patch", "sudo", "deny"})
CRUD = {"create", "read", "update", "delete"}
CELL_NAMESPACE = re.compile(r"^trustfabric/[a-z]{2}$")
"""The namespaces of the cells' Vault providers (`trustfabric/<cell>`); the rules write the cell as `+`."""
ROOT_PROTECTED = (re.compile(r"^sys/audit(/[^/]+)?$"), re.compile(r"^(trustfabric/\+/)?sys/auth/[^/]+(/tune)?$"))
"""Paths Vault serves only to a token with sudo (its "root-protected" endpoints) among those the stacks write."""


def parse_policy(text: str) -> dict[str, frozenset[str]]:
    """Path -> capabilities; refuses anything but comments, blank lines and `path` blocks, and a path twice."""
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#") and line.strip()) + "\n"
    rules: dict[str, frozenset[str]] = {}
    position = 0
    for match in RULE.finditer(body):
        assert match.start() == position, f"not a path block: {body[position : match.start()]!r}"
        position = match.end()
        path, capabilities = match.group(1), frozenset(json.loads(match.group(2)))
        assert path not in rules, f"{path} twice"
        assert capabilities and capabilities <= CAPABILITIES, (path, capabilities)
        rules[path] = capabilities
    assert position == len(body), f"not a path block: {body[position:]!r}"
    return rules


def matches(pattern: str, path: str) -> bool:
    """Vault's rule matching for the rules used here: `+` is exactly one segment (no `*` globs: refused below)."""
    wanted, given = pattern.split("/"), path.split("/")
    return len(wanted) == len(given) and all(w in ("+", g) for w, g in zip(wanted, given, strict=True))


def namespace_of(graph: ResourceGraph, resource: Resource) -> str:
    assert resource.provider is not None, f"{resource.name} uses the default Vault provider"
    return str(graph.resources[resource.provider].props.get("namespace") or "")


def writes(resource: Resource) -> dict[str, set[str]]:
    """The API paths (relative to the resource's namespace) pulumi-vault calls for the resource, with the
    capabilities each needs over the resource's life (create, read back, update, delete)."""
    props, kind = resource.props, resource.type
    if kind in ("vault:index/mount:Mount", "vault:aws/secretBackend:SecretBackend"):
        mount = props["path"]
        paths = {f"sys/mounts/{mount}": set(CRUD), f"sys/mounts/{mount}/tune": {"read", "update"}}
        if kind == "vault:aws/secretBackend:SecretBackend":
            paths |= {f"{mount}/config/root": {"create", "read", "update"}}
            paths |= {f"{mount}/config/lease": {"create", "read", "update"}}
        return paths
    if kind in ("vault:index/authBackend:AuthBackend", "vault:jwt/authBackend:AuthBackend"):
        method = props["path"]
        paths = {
            "sys/auth": {"read"},  # the provider finds the method in the list of enabled ones
            f"sys/auth/{method}": CRUD | {"sudo"},
            f"sys/auth/{method}/tune": {"read", "update", "sudo"},
        }
        if kind == "vault:jwt/authBackend:AuthBackend":
            paths[f"auth/{method}/config"] = {"create", "read", "update"}
        return paths
    if kind == "vault:kubernetes/authBackendConfig:AuthBackendConfig":
        return {f"auth/{props['backend']}/config": set(CRUD)}
    if kind in ("vault:kubernetes/authBackendRole:AuthBackendRole", "vault:jwt/authBackendRole:AuthBackendRole"):
        return {f"auth/{props['backend']}/role/{props['roleName']}": set(CRUD)}
    if kind == "vault:aws/secretBackendRole:SecretBackendRole":
        return {f"{props['backend']}/roles/{props['name']}": set(CRUD)}
    if kind == "vault:transit/secretBackendKey:SecretBackendKey":
        key = f"{props['backend']}/keys/{props['name']}"
        # A key whose deletion is not allowed is never deleted: Vault refuses it, so the grant would be dead.
        return {
            key: {"create", "read", "update"} | ({"delete"} if props["deletionAllowed"] else set()),
            f"{key}/config": {"update"},
        }
    if kind == "vault:index/policy:Policy":
        return {f"sys/policies/acl/{props['name']}": set(CRUD)}
    if kind == "vault:index/audit:Audit":
        return {"sys/audit": {"read", "sudo"}, f"sys/audit/{props['path']}": CRUD | {"sudo"}}
    if kind == "vault:kv/secretV2:SecretV2":
        name = f"{props['mount']}/{{}}/{props['name']}"
        return {name.format("data"): set(CRUD), name.format("metadata"): {"read", "update", "delete"}}
    if kind == "vault:generic/endpoint:Endpoint":
        wanted = {"update"} | (set() if props.get("disableRead") else {"read"})
        return {props["path"]: wanted | (set() if props.get("disableDelete") else {"delete"})}
    raise AssertionError(f"{kind} ({resource.name}): a new Vault resource type; add the paths it writes to writes()")


def needed(graphs: Iterable[ResourceGraph]) -> dict[str, set[str]]:
    """Full path (namespace included) -> capabilities, over every Vault resource and provider of the graphs."""
    paths: dict[str, set[str]] = defaultdict(set)
    for graph in graphs:
        for resource in graph:
            if resource.type == "pulumi:providers:vault":
                namespace = resource.props.get("namespace") or ""
                assert namespace == "" or CELL_NAMESPACE.match(namespace), namespace
                if str(resource.props.get("skipChildToken")).lower() != "true":
                    # The child token is made where the deployer logged in: the root namespace.
                    paths["auth/token/create"].add("update")
                    paths["auth/token/lookup-self"].add("read")
            elif resource.type.startswith("vault:"):
                namespace = namespace_of(graph, resource)
                for path, capabilities in writes(resource).items():
                    paths[f"{namespace}/{path}" if namespace else path] |= capabilities
    return dict(paths)


def policy() -> dict[str, frozenset[str]]:
    return parse_policy(POLICY_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("stack", ["prod", "dr", "dev"])
def test_the_policy_grants_every_path_the_stack_writes_through_one_rule(stack, request):
    rules = policy()
    paths = needed([request.getfixturevalue(stack)])
    assert any(path.startswith("trustfabric/") for path in paths) and "sys/tools/random/32" not in paths
    for path, capabilities in sorted(paths.items()):
        matching = [pattern for pattern in rules if matches(pattern, path)]
        assert len(matching) == 1, (path, matching)
        granted = rules[matching[0]]
        assert "deny" not in granted and capabilities <= granted, (path, sorted(capabilities - granted))


def test_the_policy_grants_nothing_the_stacks_do_not_write(prod, dr, dev):
    paths = needed([prod, dr, dev])
    for pattern, granted in policy().items():
        if granted == {"deny"}:
            continue
        used: set[str] = set()
        for path, capabilities in paths.items():
            if matches(pattern, path):
                used |= capabilities
        assert used, f"{pattern}: no stack writes it"
        assert granted <= used, (pattern, sorted(granted - used))


def test_sudo_only_where_vault_requires_it_and_no_wildcards():
    for pattern, granted in policy().items():
        assert "*" not in pattern, pattern
        segments = pattern.split("/")
        assert "+" not in segments or (segments.index("+") == 1 and segments[0] == "trustfabric"), pattern
        assert segments.count("+") <= 1, pattern
        if "sudo" in granted:
            assert any(protected.match(pattern) for protected in ROOT_PROTECTED), pattern
        if segments[-1] in ("auth", "audit", "mounts"):  # a list of every method or device: read it, no more
            assert granted - {"sudo"} == {"read"}, pattern


def test_the_program_cannot_widen_its_own_policy(prod, dr, dev):
    rules = policy()
    own = f"sys/policies/acl/{POLICY_NAME}"
    assert rules[own] == {"deny"}
    assert [pattern for pattern in rules if matches(pattern, own)] == [own]
    # No grant on the root namespace's policies at all, and no stack declares a policy of that name anywhere.
    assert not [p for p in rules if p.startswith("sys/polic") and p != own]
    for graph in (prod, dr, dev):
        assert POLICY_NAME not in {r.props["name"] for r in graph.of_type("vault:index/policy:Policy")}


def test_a_mutated_stack_needs_what_the_policy_lacks(prod):
    """The derivation reaches the graph: a Vault role the policy does not name (as a new workload would add) is
    reported as a missing grant, and a rule no stack uses as an unused one."""
    rules = policy()
    role = next(r for r in prod.of_type("vault:kubernetes/authBackendRole:AuthBackendRole"))
    renamed = replace(role, inputs={**role.inputs, "roleName": "billing"})
    path = f"{namespace_of(prod, role)}/{next(iter(writes(renamed)))}"
    assert path.endswith("/auth/kubernetes/role/billing")
    assert not [pattern for pattern in rules if matches(pattern, path)]


def test_the_docs_say_who_writes_it():
    command = "vault policy write platform-deployer vault/policies/platform-deployer.hcl"
    for doc in ("docs/adr/0003-vault-auth-model.md", "runbooks/pagerduty-routing-keys.md"):
        assert command in (REPO_ROOT / doc).read_text(encoding="utf-8"), doc
