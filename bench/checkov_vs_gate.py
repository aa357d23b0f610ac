"""checkov vs our gate on the synthetic program: engine preview, policy evaluation, and checkov on the bridged plan.

One run measures, on the same graph: the offline engine's run of the program, our gate's policy evaluation
(resource-policy evaluations per second: custom resources x registered policies / seconds), bridging the graph
to a Terraform plan, and checkov 3.3.30 scanning that plan (a subprocess from .venv-checkov, offline).

The preview's leftover cyclic garbage is collected between the engine and the gate and timed as its own
row. Each step reports wall seconds and CPU seconds (this process's, plus its child processes' for checkov): on a
shared machine wall time stretches with the load, CPU time much less, so the gate's overhead on the preview
(the target: under 20%) is printed for both.

Usage::

    python -m bench.checkov_vs_gate                  # 10,000 resources
    python -m bench.checkov_vs_gate --resources 2000
    python -m bench.checkov_vs_gate --resources 2000 --no-checkov
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import sys
import tempfile
import time
from pathlib import Path


class Timer:
    """Wall and CPU seconds of the block it times (CPU: this process's threads and finished children)."""

    def __enter__(self) -> Timer:
        self._wall = time.perf_counter()
        self._cpu = self._cpu_now()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = self._cpu_now() - self._cpu

    @staticmethod
    def _cpu_now() -> float:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time() + children.ru_utime + children.ru_stime


def main(argv: list[str] | None = None) -> int:
    from bench.synthetic import write_program
    from policies.registry import all_policies
    from trustfabric.bridge.checkov import check_results, run_checkov
    from trustfabric.bridge.tfplan import build_plan
    from trustfabric.engine import run_program
    from trustfabric.gate import run_gate

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--no-checkov", action="store_true", help="stop after the gate (and the bridge)")
    options = parser.parse_args(argv)
    rows: list[tuple[str, Timer, str]] = []
    policies = list(all_policies())  # imported before timing: the preview does not import the pack either
    with tempfile.TemporaryDirectory() as scratch:
        program = write_program(Path(scratch) / "synthetic", options.resources)
        print(f"engine: running the synthetic program ({options.resources} resources) ...", file=sys.stderr)
        with Timer() as engine:
            graph = run_program(program, "bench")
        rows.append(("engine preview", engine, f"{len(graph.custom_resources)} resources"))
        # The run leaves its cyclic garbage (Outputs, tasks) to the collector; collect it here so that neither
        # step is charged for it silently, and show what it costs.
        with Timer() as collection:
            freed = gc.collect()
        rows.append(("collect preview garbage", collection, f"{freed:,} objects"))

        print(f"gate: evaluating {len(policies)} policies ...", file=sys.stderr)
        with Timer() as gate:
            result = run_gate(program, "bench", graph=graph, policies=policies, exemptions_file=None)
        evaluations = result.resources_evaluated * len(policies)
        rate = f"{evaluations / gate.wall:,.0f} resource-policy evaluations/s, {len(result.findings)} findings"
        rows.append(("gate policy evaluation", gate, rate))

        with Timer() as bridge:
            bridged = build_plan(graph)
            target = Path(scratch) / "scan"
            target.mkdir()
            (target / "plan.json").write_text(json.dumps(bridged.plan), encoding="utf-8")
        rows.append(("bridge to plan JSON", bridge, f"{bridged.resource_count} resources"))

        if not options.no_checkov:
            print("checkov: scanning the bridged plan ...", file=sys.stderr)
            with Timer() as checkov:
                results = check_results(run_checkov(target, ("terraform_plan",), timeout=3600))
            failed = sum(1 for item in results if not item.passed)
            rows.append(("checkov terraform_plan", checkov, f"{len(results)} check results ({failed} failed)"))

    print(f"{'step':<26} {'seconds':>9} {'CPU s':>8}  detail")
    for label, timer, detail in rows:
        print(f"{label:<26} {timer.wall:>9.2f} {timer.cpu:>8.2f}  {detail}")
    print(
        f"policy evaluation adds {100 * gate.wall / engine.wall:.0f}% to the preview's wall time "
        f"({100 * gate.cpu / engine.cpu:.0f}% of its CPU time); target: under 20%"
    )
    print(
        f"counting the preview's garbage collection as the gate's: {100 * (gate.wall + collection.wall) / engine.wall:.0f}%"
        f" wall ({100 * (gate.cpu + collection.cpu) / engine.cpu:.0f}% CPU)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
