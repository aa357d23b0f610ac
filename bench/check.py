"""`make check` benchmark: its wall time warm, and where the time goes.

`make check` previews and gates the three stacks (our policies and checkov, two stacks at a time), then builds
prod's evidence package. "Warm" is its second run in a row with nothing changed: each stack's gate run is reused
(`trustfabric/gate/cache.py`, keyed by the SHA-256 of every input), checkov's verdicts are reused
(`trustfabric/bridge/cache.py`), and prod's evidence package is built from prod's stored gate run and its
kept OSCAL assessment results and SBOMs (`trustfabric/evidence/derived.py`). The first run
is measured and printed too; it is warm only as far as an earlier run on the machine made it.

Every row gives wall seconds, CPU seconds (user + system, the command's processes) and the 1-minute load average
when it ended: the machine is shared, so wall time alone says little; CPU time is what the work costs.

Rows: `make check` twice (unless `--no-make`); each warm command of `make check` as a whole (`trustfabric check
--stack S --with-checkov --preview`, then `trustfabric evidence --stack prod`, which also reuses its derived
documents: trustfabric/evidence/derived.py), run twice, the second timed; the
warm `make check` those commands give on two idle cores (make -j2's order: prod and dr, then prod's evidence and
dev), from their CPU seconds; then the cold split: each stack's check, in a fresh interpreter without any cache,
into the imports (the CLI, the pack and the provider SDKs), the program under the engine, the policy gate, and
the bridge plus checkov (its verdicts cached), one after another.

Usage::

    python -m bench.check               # make check twice, then the rows
    python -m bench.check --no-make     # the rows only
    python -m bench.check --no-make --no-cold   # the warm rows only
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from trustfabric.paths import REPO_ROOT

STACKS = ("prod", "dr", "dev")
_CHILD = """
import json, sys, time
started = time.perf_counter()
from trustfabric.cli import common
from trustfabric.bridge.checkov import scan_graph
from trustfabric.engine import run_program
from trustfabric.gate import run_gate
import pulumi_aws, pulumi_kubernetes, pulumi_vault, pulumi_datadog, pulumi_github
policies = common.pack_policies()
imports = time.perf_counter() - started
started = time.perf_counter()
graph = run_program(sys.argv[1], sys.argv[2])
engine = time.perf_counter() - started
started = time.perf_counter()
result = run_gate(sys.argv[1], sys.argv[2], graph=graph, policies=policies)
gate = time.perf_counter() - started
started = time.perf_counter()
scan = scan_graph(result.graph)
checkov = time.perf_counter() - started
print(json.dumps({"resources": len(graph.custom_resources), "imports": imports, "engine": engine, "gate": gate,
                  "checkov": checkov}))
"""


@dataclass(frozen=True)
class Timing:
    """One command: wall seconds, CPU seconds of its processes, the 1-minute load average when it ended."""

    wall: float
    cpu: float
    load: float

    def cells(self) -> str:
        return f"{self.wall:>8.2f} {self.cpu:>8.2f} {self.load:>6.1f}"


def timed(command: list[str], env: dict[str, str] | None = None) -> Timing:
    """Run a command from the repository root (its output discarded; a failure raises) and time it."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        command,
        cwd=REPO_ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu, os.getloadavg()[0])


def two_cores(check: dict[str, float], evidence: float) -> float:
    """make -j2's schedule of the warm commands on two idle cores: check-prod, check-dr, check-dev and then
    evidence-prod (after check-prod), each started on the first free core; the seconds until the last ends."""
    free = [0.0, 0.0]
    ended: dict[str, float] = {}
    for job, seconds, after in (
        ("prod", check["prod"], None),
        ("dr", check["dr"], None),
        ("dev", check["dev"], None),
        ("evidence", evidence, "prod"),
    ):
        core = min(range(2), key=lambda index: free[index])
        start = max(free[core], ended[after] if after else 0.0)
        ended[job] = free[core] = start + seconds
    return max(free)


def stack_parts(stack: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, str(REPO_ROOT), stack],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO_ROOT,
    )
    parts: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return parts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-make", action="store_true", help="measure the rows only, not `make check` itself")
    parser.add_argument("--no-cold", action="store_true", help="skip the cold split (the warm rows only)")
    options = parser.parse_args(argv)
    cli = str(Path(sys.executable).parent / "trustfabric")
    print(f"{'row':<34} {'resources':>9} {'wall s':>8} {'CPU s':>8} {'load':>6}")
    if not options.no_make:
        make = [os.environ.get("MAKE", "make"), "--no-print-directory", "check"]
        print("measuring make check (first run) ...", file=sys.stderr)
        first = timed(make)
        print("measuring make check (warm run) ...", file=sys.stderr)
        warm = timed(make)
        print(f"{'make check, first run':<34} {'':>9} {first.cells()}")
        print(f"{'make check, warm (target < 30 s)':<34} {'':>9} {warm.cells()}")
    checks: dict[str, float] = {}
    for stack in STACKS:
        print(f"measuring warm check {stack} ...", file=sys.stderr)
        command = [cli, "check", "--stack", stack, "--with-checkov", "--preview"]
        timed(command)  # stores the stack's gate run and checkov's verdicts when an input changed since
        timing = timed(command)
        checks[stack] = timing.cpu
        print(f"{'warm check ' + stack:<34} {'':>9} {timing.cells()}")
    with tempfile.TemporaryDirectory() as scratch:
        print("measuring warm evidence prod ...", file=sys.stderr)
        # the first keeps the derived documents (trustfabric/evidence/derived.py) when an input changed since
        timed([cli, "evidence", "--stack", "prod", "--out", str(Path(scratch) / "first")])
        timing = timed([cli, "evidence", "--stack", "prod", "--out", str(Path(scratch) / "prod")])
    print(f"{'warm evidence prod':<34} {'':>9} {timing.cells()}")
    print(f"{'warm make check on 2 idle cores':<34} {'':>9} {two_cores(checks, timing.cpu):>8.2f}  (modelled)")
    if options.no_cold:
        return 0
    print(f"{'cold part (no cache)':<34} {'resources':>9} {'imports':>8} {'engine':>8} {'gate':>6} {'checkov':>8}")
    for stack in STACKS:
        print(f"measuring cold check {stack} ...", file=sys.stderr)
        parts = stack_parts(stack)
        print(
            f"{'cold check ' + stack:<34} {parts['resources']:>9.0f} {parts['imports']:>8.2f} "
            f"{parts['engine']:>8.2f} {parts['gate']:>6.2f} {parts['checkov']:>8.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
