"""Preview benchmark: wall time and peak memory of one offline run, per stack and for synthetic programs.

Each measurement runs in a fresh interpreter so peak memory (ru_maxrss) is that run's alone, imports included.
The program runs twice there: the first (cold) run is what one `trustfabric preview` costs, importing the
provider SDKs the program uses included (for the real stacks, pulumi-aws, -kubernetes, -vault and -datadog take
most of it); the second (warm) run has those imports done, so its time per resource is the engine's own.

Usage::

    python -m bench.preview                 # every stack, synthetic 1,000 and 10,000
    python -m bench.preview --sizes 1000 2000 4000 --no-stacks
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from trustfabric.paths import REPO_ROOT

_CHILD = """
import gc, json, resource, sys, time
from trustfabric.engine import run_program
started = time.perf_counter()
graph = run_program(sys.argv[1], sys.argv[2])
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
del graph
gc.collect()  # the first run's garbage is not the second run's cost
started = time.perf_counter()
graph = run_program(sys.argv[1], sys.argv[2])
warm = time.perf_counter() - started
print(json.dumps({"resources": len(graph.custom_resources), "seconds": seconds, "warm": warm, "peak_mib": peak}))
"""


def measure(program_dir: Path, stack: str) -> dict[str, float]:
    """Two runs in a child interpreter: resources, seconds of the first (cold) run and of the second (warm)
    run, and peak RSS in MiB after the first."""
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, str(program_dir), stack],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO_ROOT,
    )
    measured: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return measured


def main(argv: list[str] | None = None) -> int:
    from bench.synthetic import write_program
    from trustfabric.golden import stacks

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--no-stacks", action="store_true")
    options = parser.parse_args(argv)
    rows: list[tuple[str, dict[str, float]]] = []
    if not options.no_stacks:
        for stack in stacks(REPO_ROOT):
            print(f"measuring stack {stack} ...", file=sys.stderr)
            rows.append((f"stack {stack}", measure(REPO_ROOT, stack)))
    with tempfile.TemporaryDirectory() as scratch:
        for size in options.sizes:
            print(f"measuring synthetic {size} ...", file=sys.stderr)
            program = write_program(Path(scratch) / f"synthetic-{size}", size)
            rows.append((f"synthetic {size}", measure(program, "bench")))
    header = f"{'program':<20} {'resources':>10} {'seconds':>9} {'warm s':>8} {'peak MiB':>9} {'ms/resource':>12}"
    print(f"{header} {'warm ms/resource':>17}")
    for label, row in rows:
        per, warm = (1000 * row[key] / max(1, row["resources"]) for key in ("seconds", "warm"))
        print(
            f"{label:<20} {row['resources']:>10.0f} {row['seconds']:>9.2f} {row['warm']:>8.2f} "
            f"{row['peak_mib']:>9.0f} {per:>12.2f} {warm:>17.2f}"
        )
    synthetic = [row for label, row in rows if label.startswith("synthetic")]
    if len(synthetic) >= 2:
        first, last = synthetic[0], synthetic[-1]
        growth = (last["seconds"] / first["seconds"]) / (last["resources"] / first["resources"])
        print(f"time growth per resource from {first['resources']:.0f} to {last['resources']:.0f}: x{growth:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
