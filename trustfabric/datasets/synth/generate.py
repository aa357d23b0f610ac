"""`datasets synth`: write a dataset directory of seeded synthetic edge cases, ready for `datasets ingest`.

Sample `i` is drawn from its own random, seeded by (seed, i), so it is the same whatever the count and however
many worker processes write: the same seed and count give byte-identical files. Cases rotate through the edge
cases (ledger, mixed jurisdiction, amended, partial, boundary date, precision); jurisdictions are drawn.

Usage::

    from trustfabric.datasets.synth.generate import synthesize

    synthesize(Path("out/synthetic"), seed=7, count=120)
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import random
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from faker import Faker
from hypothesis import strategies as st

from ...errors import TrustFabricError
from .documents import Rendered, render_boundary, render_filing, render_ledger, render_mixed, render_precision
from .draw import HYPOTHESIS_VERSION, draw
from .strategies import (
    JURISDICTIONS,
    boundary_case,
    filing_case,
    ledger_case,
    mixed_jurisdiction_case,
    precision_case,
)

GENERATOR = "trustfabric.datasets.synth/1"
LOCALES: dict[str, str] = {"UK": "en_GB", "EU": "de_DE", "US": "en_US", "CA": "en_CA"}
DEFAULT_AS_OF = dt.date(2026, 1, 1)
_jurisdictions = st.sampled_from(JURISDICTIONS)

CASES: tuple[Callable[[str, random.Random, Faker], Rendered], ...] = (
    lambda j, rng, fake: render_ledger(draw(ledger_case(j), rng), fake),
    lambda j, rng, fake: render_mixed(draw(mixed_jurisdiction_case(j), rng), fake),
    lambda j, rng, fake: render_filing(draw(filing_case(j, "amended"), rng), fake),
    lambda j, rng, fake: render_filing(draw(filing_case(j, "partial"), rng), fake),
    lambda j, rng, fake: render_boundary(draw(boundary_case(j), rng), fake),
    lambda j, rng, fake: render_precision(draw(precision_case(j), rng), fake),
)
"""One renderer per edge case; sample i is case i mod 6."""


@cache
def _faker(locale: str) -> Faker:
    return Faker(locale)


def sample_id(index: int) -> str:
    return f"syn-{index:06d}"


def _dump(document: Any) -> bytes:
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def render_sample(seed: int, index: int) -> tuple[dict[str, Any], Rendered]:
    """sample.json and the rendered case of sample `index` (pure: depends on seed and index only)."""
    rng = random.Random(f"trustfabric-synth:{seed}:{index}")
    jurisdiction = draw(_jurisdictions, rng)
    fake = _faker(LOCALES[jurisdiction])
    fake.seed_instance(rng.getrandbits(64))
    rendered = CASES[index % len(CASES)](jurisdiction, rng, fake)
    sample: dict[str, Any] = {
        "id": sample_id(index),
        "jurisdiction": jurisdiction,
        "filing_type": rendered.filing_type,
        "document_type": rendered.document_type,
        "workflow": rendered.workflow,
        "document": {"file": rendered.document_name, "media_type": rendered.media_type},
        "expected": rendered.expected,
        "annotations": {"cases": [rendered.case], "notes": rendered.notes},
    }
    if rendered.tolerances:
        sample["tolerances"] = rendered.tolerances
    return sample, rendered


def _write_range(job: tuple[Path, int, int, int]) -> int:
    out, seed, start, stop = job
    for index in range(start, stop):
        sample, rendered = render_sample(seed, index)
        folder = out / "samples" / sample["id"]
        folder.mkdir(parents=True)
        (folder / "sample.json").write_bytes(_dump(sample))
        (folder / rendered.document_name).write_bytes(rendered.document)
    return stop - start


def dataset_document(seed: int, count: int, name: str, version: str | None, as_of: dt.date) -> dict[str, Any]:
    from faker import VERSION as FAKER_VERSION

    return {
        "name": name,
        "version": version or f"seed{seed}-n{count}",
        "description": (
            "Synthetic accounting edge cases: multi-currency ledgers with FX on different dates, mixed-jurisdiction "
            "taxpayers, amended and partial filings, leap-year and tax-year-boundary dates, rounding at currency "
            "precision."
        ),
        "pii_status": "synthetic",
        "provenance": {
            "curated_by": "trustfabric datasets synth",
            "curated_at": f"{as_of.isoformat()}T00:00:00Z",
            "source": f"generated: Faker {FAKER_VERSION}, Hypothesis {HYPOTHESIS_VERSION} strategies",
            "method": "synthetic",
            "generator": {"name": GENERATOR, "seed": seed, "count": count},
        },
        "tolerances": {"entries[*].fx_rate": {"relative": 0.000001}},
    }


def synthesize(
    out: Path,
    *,
    seed: int,
    count: int,
    name: str = "synthetic-edge-cases",
    version: str | None = None,
    as_of: dt.date = DEFAULT_AS_OF,
    workers: int | None = None,
) -> Path:
    """Write `count` samples into `out` (new or empty) and its dataset.json; returns `out`."""
    if seed < 0:
        raise TrustFabricError(f"--seed: {seed} is not allowed; a seed is a whole number from 0")
    if count < 1:
        raise TrustFabricError(f"--count: {count} is not allowed; at least 1 sample")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise TrustFabricError(f"--out: {out} is not an empty directory; synth writes into a new or empty one")
    document = dataset_document(seed, count, name, version, as_of)
    from ..schema import DATASET_SCHEMAS

    DATASET_SCHEMAS.validate("dataset", document, source="--name/--version")
    (out / "samples").mkdir(parents=True, exist_ok=True)
    (out / "dataset.json").write_bytes(_dump(document))
    processes = workers or (1 if count < 2_000 else max(1, min(4, os.cpu_count() or 1)))
    if processes == 1:
        _write_range((out, seed, 0, count))
        return out
    step = max(1, -(-count // (processes * 8)))
    jobs = [(out, seed, start, min(count, start + step)) for start in range(0, count, step)]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        for _ in pool.imap_unordered(_write_range, jobs):
            pass
    return out
