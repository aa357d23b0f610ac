"""Evaluate one policy the way the CLI does: real AnalyzeRequest messages through the SDK's analyzer.

Two ways to build the resources a policy sees:

- `run_snippet(tmp_path, code)` runs a small real Pulumi program under the offline engine, so inputs are
  exactly what the SDK serializes (camelCase keys, nested blocks, unknowns for not-yet-computed outputs);
- `resource(type, inputs)` builds one resource from wire-form inputs, for shapes a program cannot produce
  easily (use `UNKNOWN` for a value not known during preview, `secret(v)` for a secret).

Usage::

    diagnostics = evaluate(POLICY, run_snippet(tmp_path, '''
        import pulumi_aws as aws
        aws.kms.Key("k", enable_key_rotation=False)
    '''))
    assert [d.detail for d in diagnostics] == ["KMS key 'k' does not rotate ..."]
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from trustfabric.engine import run_program, secret_value
from trustfabric.gate import Analyzer, Diagnostic
from trustfabric.graph import UNKNOWN, Resource, ResourceGraph

__all__ = ["UNKNOWN", "evaluate", "graph_of", "resource", "run_snippet", "secret"]

PROJECT = "fixture"
STACK = "test"


def secret(value: Any) -> dict[str, Any]:
    return secret_value(value)


def run_snippet(
    tmp_path: Path, code: str, *, region: str = "eu-west-2", config: dict[str, Any] | None = None
) -> ResourceGraph:
    """Run `code` as a Pulumi program (stack `test`, `aws:region` = region) and return its graph."""
    import yaml

    program = tmp_path / "program"
    program.mkdir(exist_ok=True)
    (program / "Pulumi.yaml").write_text(f"name: {PROJECT}\nruntime: python\n")
    stack_config = {"aws:region": region, **(config or {})}
    (program / f"Pulumi.{STACK}.yaml").write_text(yaml.safe_dump({"config": stack_config}))
    (program / "__main__.py").write_text(textwrap.dedent(code))
    return run_program(program, STACK)


def resource(
    type_: str,
    inputs: dict[str, Any],
    *,
    name: str = "subject",
    region: str | None = "eu-west-2",
    provider_inputs: dict[str, Any] | None = None,
) -> ResourceGraph:
    """A graph of one resource with wire-form inputs, created by an explicit provider in `region`."""
    graph = ResourceGraph(project=PROJECT, stack=STACK, config={"aws:region": region or "eu-west-2"})
    provider_urn = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:providers:aws::explicit"
    package = type_.split(":", 1)[0]
    provider_type = f"pulumi:providers:{package}"
    graph.resources[provider_urn] = Resource(
        urn=provider_urn,
        type=provider_type,
        name="explicit",
        custom=True,
        region=region,
        inputs={"region": region, **(provider_inputs or {})} if package == "aws" else dict(provider_inputs or {}),
    )
    urn = f"urn:pulumi:{STACK}::{PROJECT}::{type_}::{name}"
    graph.resources[urn] = Resource(
        urn=urn, type=type_, name=name, custom=True, provider=provider_urn, region=region, inputs=inputs
    )
    return graph


def graph_of(*graphs: ResourceGraph) -> ResourceGraph:
    """Merge single-resource graphs into one (for stack policies)."""
    merged = ResourceGraph(project=PROJECT, stack=STACK, config=dict(graphs[0].config) if graphs else {})
    for graph in graphs:
        merged.resources.update(graph.resources)
    return merged


def evaluate(policy: Any, graph: ResourceGraph, config: dict[str, Any] | None = None) -> list[Diagnostic]:
    """Run one policy (resource or stack) over the graph with the CLI's request sequence."""
    analyzer = Analyzer([policy], policy_config={policy.name: config} if config else None)
    return analyzer.analyze(graph)
