"""Build an evidence package from ONE run of the engine and the gate, then sign its manifest.

The package (a directory):

    control-matrix.md, control-matrix.html, control-matrix.json   control -> policies -> resources -> result
    component-definition.json, assessment-results.json            OSCAL 1.1.3 (NIST schemas, trestle models)
    policies.md                                                   the policy catalog
    gate.json, gate.sarif                                         the gate's findings
    controls.json                                                 the control catalog and its coverage
    soa.md, soa.html, soa-component-definition.json               ISO 27001:2022 Statement of Applicability
    sbom.cdx.json, sbom-dev.cdx.json                              CycloneDX: runtime closure, dev toolchain
    checkov/<stack>.json, drills/, tests/junit.xml                copied when present (absent ones are listed)
    release/decision-*.json                                       the release gate's newest decision for the stack
    signing-key.pub, manifest.json, manifest.sig                  hashes of every file, the signature

Nothing is invented: inputs that do not exist (or are not evidence of this run, such as checkov results of
another plan) are listed under `inputs.absent` in the manifest, and the controls naming them are "evidence
missing". Test results are this commit's only (`make test` records the commit in reports/junit.xml); the
manifest's `tests.awaiting_a_test_run` names the controls a test run would decide. The manifest is signed
with a local Ed25519 key or an asymmetric KMS key (`kms_key_id`).

Usage::

    from trustfabric.evidence.package import build_package

    manifest = build_package("prod", Path("evidence/prod"), policies=all_policies(), progress=print)
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import TrustFabricError
from ..gate.info import policy_info
from ..paths import REPO_ROOT, REPORTS_DIR
from .controls import CATALOG_PATH, coverage, load_catalog
from .decisions import copy_release_decisions, load_release_decisions
from .inputs import CheckovEvidence, junit_commit, load_checkov, plan_sha256
from .manifest import sign_package
from .signing import Signer, load_signer

TOOLS = (
    "trust-fabric",
    "pulumi",
    "pulumi-policy",
    "compliance-trestle",
    "cyclonedx-python-lib",
    "cryptography",
    "Jinja2",
)

Progress = Callable[[str], None]


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def tool_versions() -> dict[str, str]:
    """Versions of the tools that produced the package (installed ones only), plus Python."""
    versions = {name: version for name in TOOLS if (version := _version(name)) is not None}
    versions["python"] = platform.python_version()
    return versions


def git_state(root: Path) -> dict[str, Any]:
    """The commit (`git rev-parse HEAD`, else "unknown") and whether the working tree had local changes."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=20, check=True
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return {"commit": "unknown", "dirty": None}
    try:
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        ).stdout
        dirty: bool | None = bool(status.strip())
    except (OSError, subprocess.SubprocessError):
        dirty = None
    return {"commit": commit or "unknown", "dirty": dirty}


@dataclass(frozen=True)
class Inputs:
    """Where the package reads what the gate does not produce (defaults: this repository's reports/)."""

    reports_dir: Path = REPORTS_DIR
    catalog_path: Path = CATALOG_PATH


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@dataclass(frozen=True)
class Copied:
    """What `_copy_present` found: the files copied into the package, the inputs absent, and the JUnit report
    taken as this run's test results (None when absent or of another commit)."""

    present: list[str]
    absent: list[str]
    junit: Path | None


def _copy_present(inputs: Inputs, out: Path, stack: str, checkov: CheckovEvidence, commit: str) -> Copied:
    """Copy checkov results, drill reports and the JUnit report when present and of this run.

    A JUnit report that names another commit than `commit` (the `commit` property `make test` records) is not
    evidence of this package: it is listed absent with both commits, and the controls naming tests wait for a
    test run. A report naming no commit (written elsewhere) is taken as it is, and the manifest says so.
    """
    present: list[str] = []
    absent: list[str] = []
    reports = inputs.reports_dir
    if checkov.present:
        shutil.copy2(checkov.path, _target(out / "checkov" / checkov.path.name))
        present.append(f"checkov/{checkov.path.name}")
    else:
        absent.append(f"checkov results: {checkov.detail}" if checkov.status != "absent" else checkov.detail)
    drills = sorted((reports / "drills").glob("*.json")) if (reports / "drills").is_dir() else []
    for path in drills:
        shutil.copy2(path, _target(out / "drills" / path.name))
        present.append(f"drills/{path.name}")
    if not drills:
        absent.append(f"drill reports ({reports / 'drills' / '*.json'})")
    junit: Path | None = reports / "junit.xml"
    tested = junit_commit(junit) if junit is not None and junit.is_file() else None
    if junit is None or not junit.is_file():
        absent.append(f"test results ({junit}): run `make test`")
        junit = None
    elif tested is not None and commit != "unknown" and tested != commit:
        absent.append(
            f"test results ({junit}): of commit {tested[:12]}, not this commit {commit[:12]}; run `make test`"
        )
        junit = None
    else:
        shutil.copy2(junit, _target(out / "tests" / "junit.xml"))
        present.append("tests/junit.xml")
    present += copy_release_decisions(reports / "release", out, stack, absent)
    return Copied(present, absent, junit)


def awaiting_tests(results: Sequence[Any]) -> list[str]:
    """Controls that are evidence missing because a test file they name has no result in this package: what a
    test run of this commit (`make test`) would decide."""
    return [
        result.control.key
        for result in results
        if result.status.value == "evidence-missing" and any(record.status == "absent" for record in result.tests)
    ]


def _target(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def build_package(
    stack: str,
    out: Path,
    *,
    program_dir: Path | None = None,
    signing_key: Path | None = None,
    kms_key_id: str | None = None,
    policy_config_file: Path | None = None,
    exemptions_file: Path | None = None,
    policies: Sequence[Any],
    inputs: Inputs | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
    reuse_runs: bool = False,
) -> dict[str, Any]:
    """Run the engine and gate once for `stack` with `policies`, write the package into `out` (new or empty),
    sign it (with `kms_key_id` through KMS, else the local key: `signing_key`, the env, or ephemeral).

    With `reuse_runs`, a gate run of exactly the same inputs (the one `trustfabric check` just made) is reused
    instead of running the program and the policies again (`trustfabric.gate.cache`; the manifest's
    `gate.reused_run` says so), and this run is kept for the next.

    Returns the manifest. Bad input (stack, program, config, key, non-empty `out`) raises TrustFabricError.
    """
    from ..gate import PolicyConfig, load_policy_config, run_gate
    from ..gate.cache import gate_run_key, reused_run, store_run
    from ..report import component_sources, render_json, render_sarif
    from ..report.catalog import catalog_records
    from ..report.catalog import render_markdown as render_policies
    from .inputs import load_drill_reports, load_junit
    from .matrix import evaluate_controls, matrix_document, render_markdown
    from .oscal import OSCAL_VERSION, component_definition, read_back, write_assessment_results, write_oscal
    from .page import render_html
    from .sbom import HASH_OF, write_sboms
    from .soa import write_soa

    report = progress or (lambda _message: None)
    inputs = inputs or Inputs()
    program = program_dir or REPO_ROOT
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise TrustFabricError(f"--out: {out} exists and is not an empty directory; choose a new directory")
    if not program.is_dir():
        raise TrustFabricError(f"--program: {program} is not a directory")
    if kms_key_id and signing_key is not None:
        raise TrustFabricError("evidence: --signing-key and --kms-key-id exclude each other; choose one")
    signer: Signer
    if kms_key_id:
        from .kms import KmsSigner

        signer = KmsSigner.open(kms_key_id)
    else:
        signer = load_signer(signing_key)
    policy_list = list(policies)
    catalog = load_catalog(inputs.catalog_path, policies=policy_list)
    config = load_policy_config(policy_config_file, policy_list) if policy_config_file else PolicyConfig()

    started = dt.datetime.now(dt.UTC).replace(microsecond=0)
    key = (
        gate_run_key(
            program,
            stack,
            policies=policy_list,
            policy_config_file=policy_config_file,
            exemptions_file=exemptions_file,
            today=today,
        )
        if reuse_runs
        else None
    )
    cached = reused_run(key, report)
    if cached is not None:
        gate = cached.result
    else:
        report(f"evidence: running {program} for stack {stack} and the policy gate (one run)")
        gate = run_gate(
            program,
            stack,
            policy_config_file=policy_config_file,
            exemptions_file=exemptions_file,
            policies=policy_list,
            today=today,
            progress=report,
        )
        if key is not None:
            store_run(key, gate)
    finished = dt.datetime.now(dt.UTC).replace(microsecond=0)
    out.mkdir(parents=True, exist_ok=True)

    git = git_state(REPO_ROOT)
    checkov = load_checkov(
        inputs.reports_dir, stack, cached.plan_sha256 if cached and cached.plan_sha256 else plan_sha256(gate.graph)
    )
    copied = _copy_present(inputs, out, stack, checkov, str(git["commit"]))
    present, absent = copied.present, copied.absent
    drills = load_drill_reports(inputs.reports_dir / "drills")
    tests = load_junit(copied.junit, REPO_ROOT) if copied.junit is not None else {}
    disabled = frozenset(
        policy.name
        for policy in policy_list
        if config.levels.get(policy.name, policy_info(policy).enforcement) == "disabled"
    )
    report("evidence: writing the control matrix")
    results = evaluate_controls(
        catalog,
        gate,
        policy_list,
        drills=drills,
        tests=tests,
        disabled=disabled,
        checkov=checkov,
        decisions=load_release_decisions(out, stack),
    )
    stamp = finished.isoformat().replace("+00:00", "Z")
    _write(out / "control-matrix.md", render_markdown(results, stack=stack, generated=stamp))
    _write(
        out / "control-matrix.html",
        render_html(
            results,
            stack=stack,
            generated=stamp,
            commit=str(git["commit"]),
            source_root=Path(os.path.relpath(REPO_ROOT, out.resolve())).as_posix(),
            inputs={"present": present, "absent": absent},
        ),
    )
    _write(
        out / "control-matrix.json",
        json.dumps(matrix_document(results, stack=stack, generated=stamp), indent=2, sort_keys=True) + "\n",
    )
    _write(out / "controls.json", json.dumps(coverage(catalog).as_dict(), indent=2, sort_keys=True) + "\n")
    report("evidence: writing the Statement of Applicability (ISO 27001:2022)")
    write_soa(out, catalog, when=finished)

    report("evidence: writing OSCAL component definition and assessment results")
    pack_version = _version("trust-fabric") or "0.0.0"
    effective = config.analyzer_config(policy_list)
    write_oscal(
        component_definition(catalog, policy_list, pack_version=pack_version, policy_config=effective, when=finished),
        out / "component-definition.json",
    )
    read_back(out / "component-definition.json")
    write_assessment_results(
        results,
        out / "assessment-results.json",
        stack=stack,
        pack_version=pack_version,
        start=started,
        end=finished,
        slot=f"{program.resolve()}:{stack}",
    )

    records = catalog_records(policy_list)
    _write(out / "policies.md", render_policies([record.as_dict() for record in records]))
    _write(out / "gate.json", render_json(stack, gate.resources_evaluated, gate.findings, gate.exempted))
    _write(
        out / "gate.sarif",
        render_sarif(
            gate.findings,
            records,
            stack=stack,
            exempted=gate.exempted,
            component_files=component_sources(gate.graph),
        ),
    )

    report("evidence: writing the CycloneDX SBOMs (runtime closure, dev toolchain)")
    write_sboms(out, when=finished, slot=f"{program.resolve()}:{stack}")

    counts: dict[str, int] = {}
    for result in results:
        counts[result.status.value] = counts.get(result.status.value, 0) + 1
    warnings = [
        f"{key}: referenced by {', '.join(names)} but not in the control catalog"
        for key, names in catalog.unknown_references.items()
    ]
    context = {
        "package": "trust-fabric evidence",
        "format_version": 2,
        "stack": stack,
        "program": str(program),
        "generated_at": stamp,
        "run": {"started": started.isoformat().replace("+00:00", "Z"), "finished": stamp},
        "git": git,
        "pack_version": pack_version,
        "tools": tool_versions(),
        "oscal_version": OSCAL_VERSION,
        "sbom": {
            "runtime": "sbom.cdx.json: the project's runtime dependency closure (no dev extra), CycloneDX 1.6",
            "development": "sbom-dev.cdx.json: the closure with the dev extra; dev-only components scope excluded",
            "hashes": HASH_OF,
        },
        "gate": {
            "exit_code": gate.exit_code,
            "resources_evaluated": gate.resources_evaluated,
            "policies_evaluated": gate.policies_evaluated,
            "findings": len(gate.findings),
            "exempted": len(gate.exempted),
            "policy_config": str(policy_config_file) if policy_config_file else None,
            "reused_run": (
                {"created": cached.created, "inputs_sha256": key.digest}
                if cached is not None and key is not None
                else None
            ),
        },
        "checkov": checkov.as_dict(),
        "tests": {
            "junit": "tests/junit.xml" if copied.junit is not None else None,
            "commit": junit_commit(copied.junit) if copied.junit is not None else None,
            "awaiting_a_test_run": awaiting_tests(results),
        },
        "controls": counts,
        "inputs": {"present": present, "absent": absent},
        "warnings": warnings,
    }
    report("evidence: hashing and signing the manifest")
    manifest = sign_package(out, context, signer)
    report(f"evidence: wrote {len(manifest['files']) + 2} files to {out} (key: {signer.provenance})")
    return manifest


__all__ = ["Copied", "Inputs", "awaiting_tests", "build_package", "git_state", "tool_versions"]
