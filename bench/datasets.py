"""Dataset benchmark: `datasets ingest` and `datasets evaluate` on 100,000 synthetic samples (target: each under
30 s and 1 GiB on the 2-core machine; ingest aims at 20 s or less on two idle cores).

Set-up (not timed): `datasets synth` writes the samples (seed 1), and simulated results answer 2% of them wrongly.
Each measured step runs in a fresh interpreter, so its peak memory (ru_maxrss, the largest of the process and its
worker processes) is its own; wall and CPU seconds (user + system, the process's and its workers') are reported,
with the 1-minute load average when the step ended: on a shared machine wall time follows the load, CPU time much
less (CPU seconds / 2 is about what two idle cores take when the work splits evenly, as ingest's does).

Usage::

    python -m bench.datasets                  # 100,000 samples
    python -m bench.datasets --count 20000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS, TARGET_MIB = 30.0, 1024.0

_CHILD = """
import json, os, resource, sys, time
from pathlib import Path
from trustfabric.datasets.store import open_store
step, scratch = sys.argv[1], Path(sys.argv[2])
started = time.perf_counter()
if step == "ingest":
    from trustfabric.datasets.ingest import ingest
    result = ingest(scratch / "dataset", open_store(str(scratch / "store"), for_writing=True))
    detail = {"samples": result.manifest.count, "files written": result.objects_written}
else:
    from trustfabric.datasets.evaluate import evaluate
    from trustfabric.datasets.thresholds import load_thresholds
    outcome = evaluate(open_store(str(scratch / "store")), sys.argv[3], scratch / "results.jsonl", candidate="bench",
                       thresholds=load_thresholds(None), history=None, out=scratch / "evaluation.json")
    detail = {"samples": outcome.record["totals"]["samples"], "accuracy": outcome.record["totals"]["accuracy"]}
seconds = time.perf_counter() - started
own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
peak = max(own.ru_maxrss, children.ru_maxrss) / 1024
print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mib": peak, "load": os.getloadavg()[0], **detail}))
"""


def measure(step: str, scratch: Path, *extra: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, step, str(scratch), *extra],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO_ROOT,
    )
    row: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return row


def main(argv: list[str] | None = None) -> int:
    from trustfabric.datasets.synth.generate import synthesize
    from trustfabric.datasets.synth.results import simulate_results

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-datasets-") as directory:
        scratch = Path(directory)
        print(f"synthesizing {options.count} samples ...", file=sys.stderr)
        started = time.perf_counter()
        synthesize(scratch / "dataset", seed=1, count=options.count)
        simulate_results(scratch / "dataset", scratch / "results.jsonl", seed=1, error_rate=0.02)
        print(f"  set-up took {time.perf_counter() - started:.1f}s", file=sys.stderr)
        print("measuring ingest ...", file=sys.stderr)
        ingest = measure("ingest", scratch)
        version = f"synthetic-edge-cases@seed1-n{options.count}"
        print("measuring evaluate ...", file=sys.stderr)
        evaluate = measure("evaluate", scratch, version)
    print(f"{'step':<10} {'samples':>9} {'seconds':>8} {'cpu s':>7} {'load':>5} {'peak MiB':>9} {'target':>22}")
    for name, row in (("ingest", ingest), ("evaluate", evaluate)):
        verdict = "ok" if row["seconds"] < TARGET_SECONDS and row["peak_mib"] < TARGET_MIB else "MISSED"
        print(
            f"{name:<10} {row['samples']:>9.0f} {row['seconds']:>8.2f} {row['cpu']:>7.2f} {row['load']:>5.1f} "
            f"{row['peak_mib']:>9.0f} {'< 30 s, < 1 GiB: ' + verdict:>22}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
