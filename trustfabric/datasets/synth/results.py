"""Simulated model outputs for a dataset directory: the expected outputs, with seeded errors where asked.

For rehearsing the pipeline end to end (evaluate, report, release gate) and for the benchmark: a chosen share of
the samples (all of them, or only those of one slice such as `jurisdiction=UK`) get one field wrong beyond any
tolerance; the rest are answered exactly. The same seed picks the same samples and the same errors.

Usage::

    from trustfabric.datasets.synth.results import simulate_results

    simulate_results(Path("out/synthetic"), Path("results.jsonl"), seed=1, error_rate=0.02, only="jurisdiction=UK")
"""

from __future__ import annotations

import json
import os
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

from ...errors import TrustFabricError
from ..compare import flatten, json_value
from ..model import DIMENSIONS

_SLICE_KEYS = (*DIMENSIONS, "workflow")


def _parse_only(only: str | None) -> tuple[str, str] | None:
    if only is None:
        return None
    key, _, value = only.partition("=")
    if key not in _SLICE_KEYS or not value:
        raise TrustFabricError(f"--only: {only!r} is not a slice; expected one of {', '.join(_SLICE_KEYS)}=VALUE")
    return key, value


def _set(document: dict[str, Any], path: str, value: Any) -> None:
    """Set a flattened path (`entries[1].amount`) in place."""
    import re

    steps = re.findall(r"[^.\[\]]+|\[[0-9]+\]", path)
    current: Any = document
    for step in steps[:-1]:
        current = current[int(step[1:-1])] if step.startswith("[") else current[step]
    last = steps[-1]
    if last.startswith("["):
        current[int(last[1:-1])] = value
    else:
        current[last] = value


def wrong(expected: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A copy of the expected output with one leaf wrong beyond any tolerance a dataset would set."""
    output = json.loads(json.dumps(json_value(expected)), parse_float=Decimal)
    leaves = [(path, value) for path, value in flatten(output) if path]
    numbers = [(p, v) for p, v in leaves if isinstance(v, int | Decimal) and not isinstance(v, bool)]
    path, value = rng.choice(numbers or leaves)
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        number = Decimal(value)
        _set(output, path, number + 1 + abs(number) // 10)
    elif isinstance(value, str):
        _set(output, path, value + "-x")
    else:
        _set(output, path, "wrong")
    return output


def simulate_results(
    dataset_dir: Path, out: Path, *, seed: int, error_rate: float, only: str | None = None
) -> dict[str, int]:
    """Write results for every sample of `dataset_dir` to `out` (JSON Lines); counts of right and wrong."""
    if not 0 <= error_rate <= 1:
        raise TrustFabricError(f"--error-rate: {error_rate} is not allowed; a fraction from 0 to 1")
    target = _parse_only(only)
    samples = dataset_dir / "samples"
    if not samples.is_dir():
        raise TrustFabricError(f"{samples}: missing; not a dataset directory")
    counts = {"right": 0, "wrong": 0}
    with out.open("w", encoding="utf-8") as handle:
        for name in sorted(os.listdir(samples)):
            sample = json.loads((samples / name / "sample.json").read_bytes(), parse_float=Decimal)
            rng = random.Random(f"trustfabric-results:{seed}:{name}")
            eligible = target is None or sample.get(target[0]) == target[1]
            output = sample["expected"]
            if eligible and rng.random() < error_rate:
                output = wrong(output, rng)
                counts["wrong"] += 1
            else:
                counts["right"] += 1
            handle.write(json.dumps({"sample_id": sample["id"], "output": json_value(output)}, sort_keys=True) + "\n")
    return counts
