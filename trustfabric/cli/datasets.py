"""`trustfabric datasets`: golden datasets for the accounting models, from curation to the release gate.

Commands::

    trustfabric datasets synth    --seed N --count K --out DIR
    trustfabric datasets ingest   DIR [--store PATH|s3://bucket/prefix] [--endpoint-url URL] [--format text|json]
    trustfabric datasets version list [--store S] [--format text|json]
    trustfabric datasets version show ID [--store S] [--samples] [--verify] [--format text|json]
    trustfabric datasets diff A B [--store S] [--format text|json] [--exit-code]
    trustfabric datasets evaluate --results FILE --dataset ID [--store S] [--candidate NAME] [--thresholds FILE]
                                  [--history DIR] [--baseline FILE] [--out FILE] [--format text|json]
    trustfabric datasets report   [--evaluation FILE] [--history DIR] [--out FILE]

The store is `--store`, else $TRUSTFABRIC_DATASET_STORE, else out/datasets. Exit codes: 0 clean, 1 a refused
overwrite of a released version, an evaluation below its thresholds or a regression (and differences with
`diff --exit-code`), 2 bad input (one line naming the file and JSON path).

Importing this module adds the group to the CLI's app (`trustfabric.cli`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import TrustFabricError
from ..report.formats import DATA_FORMATS, choose_format
from .common import app

datasets_app = typer.Typer(
    help="Golden datasets: synthesize, ingest, version, diff, evaluate a model, report.", no_args_is_help=True
)
app.add_typer(datasets_app, name="datasets")
version_app = typer.Typer(help="Released dataset versions in a store.", no_args_is_help=True)
datasets_app.add_typer(version_app, name="version")

StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store", help="Local directory or s3://bucket/prefix; default $TRUSTFABRIC_DATASET_STORE or out/datasets."
    ),
]
EndpointOption = Annotated[str | None, typer.Option("--endpoint-url", help="S3 endpoint (e.g. a moto server).")]
FormatOption = Annotated[str, typer.Option("--format", help="text or json.")]


def _check_format(value: str) -> None:
    choose_format(value, DATA_FORMATS)  # the one `--format` error every command gives


def _emit(document: Any, text: str, output_format: str) -> None:
    if output_format == "json":
        sys.stdout.write(json.dumps(document, indent=2, sort_keys=True, default=str) + "\n")
    else:
        sys.stdout.write(text)
    sys.stdout.flush()


def _progress(message: str) -> None:
    if sys.stderr.isatty():
        print(message, file=sys.stderr)


@datasets_app.command("synth")
def synth_command(
    seed: Annotated[int, typer.Option("--seed", help="Seed: the same seed and count give byte-identical files.")],
    count: Annotated[int, typer.Option("--count", help="Number of samples.")],
    out: Annotated[Path, typer.Option("--out", help="New or empty directory to write the dataset into.")],
    name: Annotated[str, typer.Option("--name", help="Dataset name in dataset.json.")] = "synthetic-edge-cases",
    version: Annotated[str | None, typer.Option("--version", help="Dataset version; default seed<N>-n<K>.")] = None,
    as_of: Annotated[
        str, typer.Option("--as-of", help="Curation date written into provenance (YYYY-MM-DD).")
    ] = "2026-01-01",
) -> None:
    """Write seeded synthetic edge cases (FX ledgers, cross-border, amended/partial filings, boundary dates,
    currency precision) as a dataset directory ready to ingest."""
    import datetime as dt

    from ..datasets.synth.generate import synthesize

    try:
        day = dt.date.fromisoformat(as_of)
    except ValueError:
        raise TrustFabricError(f"--as-of: {as_of!r} is not a date; expected YYYY-MM-DD") from None
    synthesize(out, seed=seed, count=count, name=name, version=version, as_of=day)
    print(f"wrote {count} samples (seed {seed}) to {out}")


@datasets_app.command("synth-results")
def synth_results_command(
    directory: Annotated[Path, typer.Argument(help="A dataset directory (e.g. one `datasets synth` wrote).")],
    out: Annotated[Path, typer.Option("--out", help="Results file to write (JSON Lines).")],
    seed: Annotated[int, typer.Option("--seed", help="Seed of which samples are answered wrongly, and how.")] = 0,
    error_rate: Annotated[
        float, typer.Option("--error-rate", help="Share of (eligible) samples answered wrongly.")
    ] = 0.0,
    only: Annotated[
        str | None, typer.Option("--only", help="Make errors only in one slice, e.g. jurisdiction=UK.")
    ] = None,
) -> None:
    """Simulated model outputs: the expected outputs, a seeded share of them wrong (to rehearse the gate)."""
    from ..datasets.synth.results import simulate_results

    counts = simulate_results(directory, out, seed=seed, error_rate=error_rate, only=only)
    print(f"wrote {counts['right'] + counts['wrong']} results to {out} ({counts['wrong']} wrong)")


@datasets_app.command("ingest")
def ingest_command(
    directory: Annotated[Path, typer.Argument(help="Dataset directory: dataset.json and samples/<id>/.")],
    store: StoreOption = None,
    endpoint_url: EndpointOption = None,
    output_format: FormatOption = "text",
) -> None:
    """Validate, hash and PII-check a dataset directory; release it as a content-addressed version."""
    from ..datasets.ingest import ingest
    from ..datasets.store import open_store

    _check_format(output_format)
    result = ingest(directory, open_store(store, endpoint_url=endpoint_url, for_writing=True), progress=_progress)
    state = "released" if result.created else "already released (nothing written)"
    text = (
        f"{result.manifest.label} {state}: version {result.version_id}\n"
        f"{result.manifest.count} samples, {result.objects_written} files written, "
        f"{result.objects_present} already stored, in {result.seconds:.2f}s ({result.store})\n"
    )
    _emit(result.as_dict(), text, output_format)


@version_app.command("list")
def version_list(
    store: StoreOption = None, endpoint_url: EndpointOption = None, output_format: FormatOption = "text"
) -> None:
    """Every released version: id, name@version, samples, PII status, release time."""
    from ..datasets.store import open_store
    from ..datasets.versions import read_manifest, released

    _check_format(output_format)
    opened = open_store(store, endpoint_url=endpoint_url)
    rows = []
    for label in released(opened):
        manifest = read_manifest(opened, label.version_id)
        rows.append({**manifest.summary(), "released_at": label.released_at, "released_by": label.released_by})
    lines = [f"{'id':<12}  {'name@version':<40} {'samples':>8}  {'pii':<10} released"]
    lines += [
        f"{row['id'][:12]}  {row['name'] + '@' + row['version']:<40} {row['samples']:>8}  {row['pii_status']:<10} "
        f"{row['released_at']}"
        for row in rows
    ]
    if not rows:
        lines.append(f"(no released versions in {opened.url})")
    _emit({"store": opened.url, "versions": rows}, "\n".join(lines) + "\n", output_format)


@version_app.command("show")
def version_show(
    reference: Annotated[str, typer.Argument(metavar="ID", help="Version id, a unique prefix, or name@version.")],
    store: StoreOption = None,
    endpoint_url: EndpointOption = None,
    samples: Annotated[bool, typer.Option("--samples", help="Also list every sample and its files.")] = False,
    verify: Annotated[bool, typer.Option("--verify", help="Re-hash every file of the version.")] = False,
    output_format: FormatOption = "text",
) -> None:
    """A version's manifest: provenance, PII status, tolerances, slices; optionally its samples."""
    from ..datasets.store import open_store
    from ..datasets.versions import iter_index, read_manifest, resolve, verify_version

    _check_format(output_format)
    opened = open_store(store, endpoint_url=endpoint_url)
    manifest = read_manifest(opened, resolve(opened, reference))
    document: dict[str, Any] = {"id": manifest.version_id, "manifest": manifest.document}
    doc = manifest.document
    provenance = doc["provenance"]
    lines = [
        f"{manifest.label}  {manifest.version_id}",
        f"  {doc['description']}",
        f"  curated by {provenance['curated_by']} at {provenance['curated_at']} ({provenance['method']}) "
        f"from {provenance['source']}",
        f"  PII status: {doc['pii_status']}; {manifest.count} samples, {doc['samples']['files']} files, "
        f"{doc['samples']['bytes']} bytes",
    ]
    for field, tolerance in sorted(manifest.tolerances.items()):
        lines.append(f"  tolerance {field}: {json.dumps(tolerance, sort_keys=True)}")
    lines.append(f"  {'jurisdiction':<12} {'filing type':<20} {'document type':<16} {'workflow':<16} {'samples':>8}")
    for row in doc["slices"]:
        lines.append(
            f"  {row['jurisdiction']:<12} {row['filing_type']:<20} {row['document_type']:<16} "
            f"{row['workflow']:<16} {row['samples']:>8}"
        )
    if samples:
        entries = [entry.as_dict() for entry in iter_index(opened, manifest)]
        document["samples"] = entries
        lines += [
            f"  {e['id']} {e['jurisdiction']} {e['filing_type']} {e['document_type']} "
            + " ".join(f"{name}={sha[:12]}" for name, sha in e["files"].items())
            for e in entries
        ]
    if verify:
        checked = verify_version(opened, manifest)
        document["verified_files"] = checked
        lines.append(f"  verified: every one of {checked} files matches its sha256")
    _emit(document, "\n".join(lines) + "\n", output_format)


@datasets_app.command("diff")
def diff_command(
    reference_a: Annotated[str, typer.Argument(metavar="A", help="The older version: id, prefix or name@version.")],
    reference_b: Annotated[str, typer.Argument(metavar="B", help="The newer version.")],
    store: StoreOption = None,
    endpoint_url: EndpointOption = None,
    output_format: FormatOption = "text",
    exit_code: Annotated[bool, typer.Option("--exit-code", help="Exit 1 when the versions differ.")] = False,
) -> None:
    """Samples added, removed and changed (and which expected fields), per jurisdiction and document type."""
    from ..datasets.diff import diff_versions
    from ..datasets.store import open_store

    _check_format(output_format)
    changes = diff_versions(open_store(store, endpoint_url=endpoint_url), reference_a, reference_b)
    _emit(changes.as_dict(), changes.render_text(), output_format)
    if exit_code and not changes.empty:
        raise typer.Exit(1)


@datasets_app.command("evaluate")
def evaluate_command(
    results: Annotated[Path, typer.Option("--results", help="Model outputs: JSON Lines of {sample_id, output}.")],
    dataset: Annotated[str, typer.Option("--dataset", help="Version id, a unique prefix, or name@version.")],
    store: StoreOption = None,
    endpoint_url: EndpointOption = None,
    candidate: Annotated[
        str | None,
        typer.Option(
            "--candidate", help="What is evaluated (model or service version); default: the results file's name."
        ),
    ] = None,
    thresholds: Annotated[
        Path | None, typer.Option("--thresholds", help="Thresholds file; default: the packaged thresholds.yaml.")
    ] = None,
    history: Annotated[
        Path, typer.Option("--history", help="Results history directory (previous runs; this run is added).")
    ] = Path("reports/datasets/history"),
    baseline: Annotated[
        Path | None,
        typer.Option("--baseline", help="Compare with this evaluation record instead of the history's latest."),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Where to write the evaluation record.")] = Path(
        "reports/datasets/evaluation.json"
    ),
    output_format: FormatOption = "text",
) -> None:
    """Judge a model's outputs against a dataset version; exit 1 below a threshold or on a regression."""
    from ..datasets.evaluate import evaluate
    from ..datasets.store import open_store
    from ..datasets.thresholds import load_thresholds, percent

    _check_format(output_format)
    loaded = load_thresholds(thresholds)
    outcome = evaluate(
        open_store(store, endpoint_url=endpoint_url),
        dataset,
        results,
        candidate=candidate or results.stem,
        thresholds=loaded,
        history=history,
        out=out,
        baseline=baseline,
    )
    record = outcome.record
    totals = record["totals"]
    lines = [
        f"{record['candidate']} on {record['dataset']['name']}@{record['dataset']['version']}: "
        f"{totals['passed']}/{totals['samples']} passed ({percent(totals['accuracy'])}), "
        f"{totals['failed']} failed, {totals['missing']} missing",
        f"  {'slice':<32} {'samples':>8} {'accuracy':>9} {'threshold':>10} {'previous':>9}",
    ]
    for row in record["slices"]:
        previous = "-" if row["previous_accuracy"] is None else percent(row["previous_accuracy"])
        flag = "  BELOW" if not row["meets_threshold"] else ""
        flag += "  REGRESSED" if row["regressed"] else ""
        lines.append(
            f"  {row['dimension'] + '=' + row['value']:<32} {row['samples']:>8} {percent(row['accuracy']):>9} "
            f"{percent(row['threshold']):>10} {previous:>9}{flag}"
        )
    if record["regressions"]["samples"]:
        lines.append(f"  {record['regressions']['samples']} samples passed in the previous run and fail now")
    lines += [f"FAIL {problem}" for problem in record["problems"]]
    lines.append(f"record: {outcome.path}" + (f" (history: {outcome.history_path})" if outcome.history_path else ""))
    _emit(record, "\n".join(lines) + "\n", output_format)
    if not record["passed"]:
        raise typer.Exit(1)


@datasets_app.command("report")
def report_command(
    evaluation: Annotated[Path, typer.Option("--evaluation", help="The evaluation record.")] = Path(
        "reports/datasets/evaluation.json"
    ),
    history: Annotated[
        Path, typer.Option("--history", help="Results history (drift across runs of the same dataset).")
    ] = Path("reports/datasets/history"),
    out: Annotated[Path, typer.Option("--out", help="HTML file to write.")] = Path("reports/datasets/report.html"),
) -> None:
    """An HTML report: accuracy by slice vs threshold, regressions highlighted, drift across versions."""
    from ..datasets.report import write_report

    print(f"wrote {write_report(evaluation, history, out)}")


__all__ = ["datasets_app"]
