"""The Kubernetes manifests are written with libyaml's dumper when there is one: the same documents as the
pure-Python dumper writes (long strings fold elsewhere), and a secret still never reaches the file."""

from __future__ import annotations

from pathlib import Path

import yaml

from trustfabric.bridge import k8s
from trustfabric.graph import SECRET_SIG, SIG_KEY, Resource, ResourceGraph

LONG = "exporters:\n  awsemf/sli:\n    dimension_rollup_option: NoDimensionRollup\n" + "x" * 300 + " tail"


def _graph() -> ResourceGraph:
    graph = ResourceGraph(project="p", stack="prod")
    for resource in (
        Resource(
            urn="urn:pulumi:prod::p::kubernetes:core/v1:ConfigMap::sli",
            type="kubernetes:core/v1:ConfigMap",
            name="sli",
            custom=True,
            inputs={"metadata": {"name": "otel-sli", "labels": {"jurisdiction": "UK"}}, "data": {"sli.yaml": LONG}},
        ),
        Resource(
            urn="urn:pulumi:prod::p::kubernetes:core/v1:Secret::token",
            type="kubernetes:core/v1:Secret",
            name="token",
            custom=True,
            inputs={"metadata": {"name": "token"}, "stringData": {SIG_KEY: SECRET_SIG, "value": {"t": "s3cr3t-value"}}},
        ),
    ):
        graph.resources[resource.urn] = resource
    return graph


def test_the_manifests_load_as_the_documents_the_pure_python_dumper_writes(tmp_path: Path) -> None:
    graph = _graph()
    files, unmapped = k8s.write_manifests(graph, tmp_path)
    assert unmapped == [] and len(files) == 2
    for name, urn in files.items():
        text = (tmp_path / name).read_text()
        document = k8s.manifest(graph.resources[urn])
        assert yaml.safe_load(text) == yaml.safe_load(yaml.safe_dump(document, sort_keys=False)) == document
        assert "s3cr3t-value" not in text
    assert k8s.DUMPER is getattr(yaml, "CSafeDumper", yaml.SafeDumper)
