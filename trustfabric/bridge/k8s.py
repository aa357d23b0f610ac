"""pulumi-kubernetes objects -> Kubernetes manifests, one YAML file per object, for checkov's kubernetes runner.

A pulumi-kubernetes resource's inputs already are the object (`metadata`, `spec`, `data`, ...); the type token
gives `apiVersion` and `kind` (`kubernetes:apps/v1:Deployment` -> `apps/v1`, `Deployment`;
`kubernetes:core/v1:Service` -> `v1`, `Service`). Integral numbers become ints, unknown values are left out,
and secret strings (a Secret's `data`/`stringData`, any secret input) are replaced by a placeholder so no secret
reaches the disk. Helm releases, charts, YAML/Kustomize groups and server-side patches are not objects of their
own and are returned as unmapped.

Usage::

    from trustfabric.bridge.k8s import write_manifests

    files, unmapped = write_manifests(graph, Path("scan/k8s"))
    files["0003-deployment-otel-collector.yaml"]   # -> the Deployment's URN
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ..graph import SECRET_SIG, SIG_KEY, UNKNOWN, UNKNOWN_VALUE, Resource, ResourceGraph, plain
from .tfplan import SECRET_PLACEHOLDER, Unmapped

_TOKEN = re.compile(r"^kubernetes:(?P<group>[A-Za-z0-9.-]+)/(?P<version>v[0-9a-z]+):(?P<kind>[A-Z][A-Za-z0-9]*)$")
NOT_OBJECTS = ("helm.sh", "yaml", "kustomize")
"""Token groups that stand for many objects (charts, YAML files): not scanned, reported as unmapped."""
SECRET_KINDS = frozenset({"Secret"})
DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
"""libyaml's safe dumper when PyYAML was built with it (about 8 times faster), else the pure-Python one: the
same documents (it folds long quoted strings at other points; they load back equal)."""


def api_version_kind(token: str) -> tuple[str, str] | None:
    """(`apiVersion`, `kind`) for a pulumi-kubernetes object token; None for charts, patches and lists."""
    match = _TOKEN.match(token)
    if match is None:
        return None
    group, version, kind = match["group"], match["version"], match["kind"]
    if group in NOT_OBJECTS or kind.endswith(("Patch", "List")):
        return None
    return (version if group == "core" else f"{group}/{version}"), kind


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, list):
        return [_clean(item) for item in value if item is not UNKNOWN_VALUE]
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items() if item is not UNKNOWN_VALUE}
    return value


def _redacted_inputs(inputs: Any) -> Any:
    """Wire-form inputs with every secret string replaced (before `plain` unwraps secrets)."""
    if isinstance(inputs, dict):
        if inputs.get(SIG_KEY) == SECRET_SIG:
            return _placeholder(plain(inputs.get("value")))
        return {key: _redacted_inputs(item) for key, item in inputs.items()}
    if isinstance(inputs, list):
        return [_redacted_inputs(item) for item in inputs]
    return inputs


def _placeholder(value: Any) -> Any:
    if isinstance(value, str):
        return value if value == UNKNOWN else SECRET_PLACEHOLDER
    if isinstance(value, list):
        return [_placeholder(item) for item in value]
    if isinstance(value, dict):
        return {key: _placeholder(item) for key, item in value.items()}
    return value


def manifest(resource: Resource) -> dict[str, Any] | None:
    """The Kubernetes object a pulumi-kubernetes resource declares, or None when it is not one object."""
    identity = api_version_kind(resource.type)
    if identity is None:
        return None
    api_version, kind = identity
    body = _clean(plain(_redacted_inputs(resource.inputs)))
    if kind in SECRET_KINDS:
        for key in ("data", "stringData"):
            if isinstance(body.get(key), dict):
                body[key] = {name: SECRET_PLACEHOLDER for name in body[key]}
    body.pop("apiVersion", None)
    body.pop("kind", None)
    metadata = body.pop("metadata", None)
    metadata = dict(metadata) if isinstance(metadata, dict) else {}
    metadata.setdefault("name", resource.name)
    return {"apiVersion": api_version, "kind": kind, "metadata": metadata, **body}


def manifest_file_name(index: int, document: dict[str, Any]) -> str:
    """`0003-deployment-otel-collector.yaml`: ordered, readable and unique."""
    name = re.sub(r"[^a-z0-9.-]+", "-", str(document["metadata"].get("name", "object")).lower()).strip("-")
    return f"{index:04d}-{document['kind'].lower()}-{name or 'object'}.yaml"


def write_manifests(graph: ResourceGraph, directory: Path) -> tuple[dict[str, str], list[Unmapped]]:
    """Write one manifest per Kubernetes object; returns (file name -> URN, unmapped Kubernetes resources)."""
    directory.mkdir(parents=True, exist_ok=True)
    files: dict[str, str] = {}
    unmapped: list[Unmapped] = []
    for resource in graph.custom_resources:
        if resource.package != "kubernetes":
            continue
        document = manifest(resource)
        if document is None:
            unmapped.append(
                Unmapped(resource.urn, resource.type, resource.name, "not a single Kubernetes object (chart/patch)")
            )
            continue
        file_name = manifest_file_name(len(files), document)
        (directory / file_name).write_text(yaml.dump(document, Dumper=DUMPER, sort_keys=False), encoding="utf-8")
        files[file_name] = resource.urn
    return files, unmapped


__all__ = ["api_version_kind", "manifest", "manifest_file_name", "write_manifests"]
