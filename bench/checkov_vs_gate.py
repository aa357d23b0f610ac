"""checkov vs our gate on the synthetic program: engine preview, policy evaluation, and checkov on the bridged plan.

One run measures, on the same graph: the offline engine's run of the program, our gate's policy evaluation
(resource-policy evaluations per second: custom resources x registered policies / seconds), bridging the graph
to a Terraform plan, and checkov 3.3.30 scanning that plan (a subprocess from .venv-checkov, offline).

Usage::

    python -m bench.checkov_vs_gate                  # 10,000 resources
    python -m bench.checkov_vs_gate --resources 2000
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    from bench.synthetic import write_program
    from trustfabric.bridge.checkov import check_results, run_checkov
    from trustfabric.bridge.tfplan import build_plan
    from trustfabric.engine import run_program
    from trustfabric.gate import registered_policies, run_gate

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--resources", type=int, default=10_000)
    options = parser.parse_args(argv)
    rows: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory() as scratch:
        program = write_program(Path(scratch) / "synthetic", options.resources)
        print(f"engine: running the synthetic program ({options.resources} resources) ...", file=sys.stderr)
        started = time.perf_counter()
        graph = run_program(program, "bench")
        rows.append(("engine preview", time.perf_counter() - started, f"{len(graph.custom_resources)} resources"))

        policies = registered_policies()
        print(f"gate: evaluating {len(policies)} policies ...", file=sys.stderr)
        started = time.perf_counter()
        result = run_gate(program, "bench", graph=graph, policies=policies, exemptions_file=None)
        seconds = time.perf_counter() - started
        evaluations = result.resources_evaluated * len(policies)
        rows.append(("gate policy evaluation", seconds, f"{evaluations / seconds:,.0f} resource-policy evaluations/s"))

        started = time.perf_counter()
        bridged = build_plan(graph)
        target = Path(scratch) / "scan"
        target.mkdir()
        (target / "plan.json").write_text(json.dumps(bridged.plan), encoding="utf-8")
        rows.append(("bridge to plan JSON", time.perf_counter() - started, f"{bridged.resource_count} resources"))

        print("checkov: scanning the bridged plan ...", file=sys.stderr)
        started = time.perf_counter()
        results = check_results(run_checkov(target, ("terraform_plan",), timeout=3600))
        seconds = time.perf_counter() - started
        failed = sum(1 for item in results if not item.passed)
        rows.append(("checkov terraform_plan", seconds, f"{len(results)} check results ({failed} failed)"))

    print(f"{'step':<26} {'seconds':>9}  detail")
    for label, seconds, detail in rows:
        print(f"{label:<26} {seconds:>9.2f}  {detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
