"""`make check` benchmark: its wall time warm, and where the time goes.

`make check` previews and gates the three stacks (our policies and checkov, two stacks at a time), then builds
prod's evidence package. "Warm" is its second run in a row: the OS file cache holds the SDKs, and checkov's
verdicts are cached by what was scanned (`trustfabric/bridge/cache.py`), so an unchanged stack skips checkov. The
first run is measured and printed too; it is warm only as far as an earlier run on the machine made it.

Parts: each stack's `trustfabric check --stack S --with-checkov --preview` split, in a fresh interpreter, into
the imports (the CLI, the pack and the provider SDKs), the program under the engine, the policy gate, and the
bridge plus checkov; then prod's evidence package (`trustfabric evidence`) as a whole command. Parts run one
after another, so their sum is larger than the parallel `make check`.

Usage::

    python -m bench.check               # make check twice, then the parts
    python -m bench.check --no-make     # the parts only
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
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


def timed(command: list[str]) -> float:
    """Wall seconds of a command run from the repository root (its output discarded; a failure raises)."""
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO_ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


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
    parser.add_argument("--no-make", action="store_true", help="measure the parts only, not `make check` itself")
    options = parser.parse_args(argv)
    if not options.no_make:
        make = [os.environ.get("MAKE", "make"), "--no-print-directory", "check"]
        print("measuring make check (first run) ...", file=sys.stderr)
        first = timed(make)
        print("measuring make check (warm run) ...", file=sys.stderr)
        warm = timed(make)
        print(f"make check: first run {first:.1f} s, warm {warm:.1f} s (target: under 30 s warm)")
    print(
        f"{'part':<28} {'resources':>10} {'imports s':>10} {'engine s':>9} {'gate s':>7} {'checkov s':>10} {'total s':>8}"
    )
    total = 0.0
    for stack in STACKS:
        print(f"measuring check {stack} ...", file=sys.stderr)
        parts = stack_parts(stack)
        seconds = parts["imports"] + parts["engine"] + parts["gate"] + parts["checkov"]
        total += seconds
        print(
            f"{'check ' + stack:<28} {parts['resources']:>10.0f} {parts['imports']:>10.2f} {parts['engine']:>9.2f} "
            f"{parts['gate']:>7.2f} {parts['checkov']:>10.2f} {seconds:>8.2f}"
        )
    with tempfile.TemporaryDirectory() as scratch:
        print("measuring evidence prod ...", file=sys.stderr)
        evidence = timed(
            [
                str(Path(sys.executable).parent / "trustfabric"),
                "evidence",
                "--stack",
                "prod",
                "--out",
                str(Path(scratch) / "prod"),
            ]
        )
    total += evidence
    print(f"{'evidence prod (command)':<28} {'':>10} {'':>10} {'':>9} {'':>7} {'':>10} {evidence:>8.2f}")
    print(f"{'sum of the parts (serial)':<28} {'':>10} {'':>10} {'':>9} {'':>7} {'':>10} {total:>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
