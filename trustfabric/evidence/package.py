"""Build an evidence package from ONE run of the engine and the gate, then sign its manifest.

The package (a directory):

    control-matrix.md, control-matrix.html, control-matrix.json   control -> policies -> resources -> result
    component-definition.json, assessment-results.json            OSCAL 1.1.3 (NIST schemas, trestle models)
    policies.md                                                   the policy catalog
    gate.json, gate.sarif                                         the gate's findings
    controls.json                                                 the control catalog and its coverage
    sbom.cdx.json                                                 CycloneDX SBOM of the environment
    checkov/, drills/, tests/junit.xml                            copied when present (absent ones are listed)
    signing-key.pub, manifest.json, manifest.sig                  hashes of every file, Ed25519 signature

Nothing is invented: inputs that do not exist are listed under `inputs.absent` in the manifest.

Usage::

    from trustfabric.evidence.package import build_package

    manifest = build_package("prod", Path("evidence/prod"), policies=all_policies(), progress=print)
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import TrustFabricError
from ..gate.info import policy_info
from ..paths import PYPROJECT, REPO_ROOT, REPORTS_DIR
from .controls import CATALOG_PATH, coverage, load_catalog
from .manifest import load_private_key, sign_package

TOOLS = (
    "trust-fabric",
    "pulumi",
    "pulumi-policy",
    "compliance-trestle",
    "cyclonedx-bom",
    "cyclonedx-python-lib",
    "cryptography",
    "checkov",
)
CHECKOV_PATTERNS = ("checkov*.json", "checkov*.sarif", "checkov/*.json", "checkov/*.sarif")

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


def generate_sbom(output: Path, *, python: Path | None = None, pyproject: Path | None = None) -> None:
    """A CycloneDX (JSON) SBOM of the Python environment via cyclonedx-bom's `environment` command; offline.

    Raises TrustFabricError when the tool fails.
    """
    interpreter = str(python or Path(sys.executable))
    command = [sys.executable, "-m", "cyclonedx_py", "environment", "--output-format", "JSON", "-o", str(output)]
    project_file = pyproject or PYPROJECT
    if project_file.is_file():
        command += ["--pyproject", str(project_file)]
    command.append(interpreter)
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.SubprocessError) as error:
        raise TrustFabricError(f"SBOM: cyclonedx-py could not run: {error}") from None
    if completed.returncode != 0 or not output.is_file():
        detail = " ".join((completed.stderr or completed.stdout).split())[-300:]
        raise TrustFabricError(f"SBOM: cyclonedx-py failed (exit {completed.returncode}): {detail}")


@dataclass(frozen=True)
class Inputs:
    """Where the package reads what the gate does not produce (defaults: this repository's reports/)."""

    reports_dir: Path = REPORTS_DIR
    catalog_path: Path = CATALOG_PATH
    sbom_file: Path | None = None
    """A SBOM already generated for this environment (reused as is; tests generate one per session)."""


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _copy_present(inputs: Inputs, out: Path) -> tuple[list[str], list[str]]:
    """Copy checkov results, drill reports and the JUnit report when present; return (present, absent)."""
    present: list[str] = []
    absent: list[str] = []
    reports = inputs.reports_dir
    checkov = sorted({path for pattern in CHECKOV_PATTERNS for path in reports.glob(pattern) if path.is_file()})
    for path in checkov:
        shutil.copy2(path, _target(out / "checkov" / path.name))
        present.append(f"checkov/{path.name}")
    if not checkov:
        absent.append(f"checkov results ({reports / 'checkov*.json'})")
    drills = sorted((reports / "drills").glob("*.json")) if (reports / "drills").is_dir() else []
    for path in drills:
        shutil.copy2(path, _target(out / "drills" / path.name))
        present.append(f"drills/{path.name}")
    if not drills:
        absent.append(f"drill reports ({reports / 'drills' / '*.json'})")
    junit = reports / "junit.xml"
    if junit.is_file():
        shutil.copy2(junit, _target(out / "tests" / "junit.xml"))
        present.append("tests/junit.xml")
    else:
        absent.append(f"test results ({junit})")
    return present, absent


def _target(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def build_package(
    stack: str,
    out: Path,
    *,
    program_dir: Path | None = None,
    signing_key: Path | None = None,
    policy_config_file: Path | None = None,
    exemptions_file: Path | None = None,
    policies: Sequence[Any],
    inputs: Inputs | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Run the engine and gate once for `stack` with `policies`, write the package into `out` (new or empty),
    sign it.

    Returns the manifest. Bad input (stack, program, config, key, non-empty `out`) raises TrustFabricError.
    """
    from ..gate import PolicyConfig, load_policy_config, run_gate
    from ..report import component_sources, render_json, render_sarif
    from ..report.catalog import catalog_records
    from ..report.catalog import render_markdown as render_policies
    from .matrix import evaluate_controls, load_drill_reports, load_junit, render_html, render_markdown
    from .oscal import OSCAL_VERSION, assessment_results, component_definition, read_back, write_oscal

    report = progress or (lambda _message: None)
    inputs = inputs or Inputs()
    program = program_dir or REPO_ROOT
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise TrustFabricError(f"--out: {out} exists and is not an empty directory; choose a new directory")
    if not program.is_dir():
        raise TrustFabricError(f"--program: {program} is not a directory")
    key, provenance = load_private_key(signing_key)
    policy_list = list(policies)
    catalog = load_catalog(inputs.catalog_path, policies=policy_list)
    config = load_policy_config(policy_config_file, policy_list) if policy_config_file else PolicyConfig()

    started = dt.datetime.now(dt.UTC).replace(microsecond=0)
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
    finished = dt.datetime.now(dt.UTC).replace(microsecond=0)
    out.mkdir(parents=True, exist_ok=True)

    present, absent = _copy_present(inputs, out)
    drills = load_drill_reports(inputs.reports_dir / "drills")
    junit_path = inputs.reports_dir / "junit.xml"
    tests = load_junit(junit_path, REPO_ROOT) if junit_path.is_file() else {}
    disabled = frozenset(
        policy.name
        for policy in policy_list
        if config.levels.get(policy.name, policy_info(policy).enforcement) == "disabled"
    )
    report("evidence: writing the control matrix")
    results = evaluate_controls(catalog, gate, policy_list, drills=drills, tests=tests, disabled=disabled)
    stamp = finished.isoformat().replace("+00:00", "Z")
    _write(out / "control-matrix.md", render_markdown(results, stack=stack, generated=stamp))
    _write(out / "control-matrix.html", render_html(results, stack=stack, generated=stamp))
    _write(
        out / "control-matrix.json",
        json.dumps({"stack": stack, "controls": [r.as_dict() for r in results]}, indent=2, sort_keys=True) + "\n",
    )
    _write(out / "controls.json", json.dumps(coverage(catalog).as_dict(), indent=2, sort_keys=True) + "\n")

    report("evidence: writing OSCAL component definition and assessment results")
    pack_version = _version("trust-fabric") or "0.0.0"
    effective = config.analyzer_config(policy_list)
    write_oscal(
        component_definition(catalog, policy_list, pack_version=pack_version, policy_config=effective, when=finished),
        out / "component-definition.json",
    )
    write_oscal(
        assessment_results(results, stack=stack, pack_version=pack_version, start=started, end=finished),
        out / "assessment-results.json",
    )
    for name in ("component-definition.json", "assessment-results.json"):
        read_back(out / name)

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

    sbom = out / "sbom.cdx.json"
    if inputs.sbom_file is not None:
        shutil.copy2(inputs.sbom_file, sbom)
        sbom_source = f"reused {inputs.sbom_file} (generated by cyclonedx-py environment)"
    else:
        report("evidence: generating the CycloneDX SBOM (cyclonedx-py environment; takes a while)")
        begin = time.monotonic()
        generate_sbom(sbom)
        sbom_source = f"cyclonedx-py environment {sys.executable} ({time.monotonic() - begin:.0f}s)"

    counts: dict[str, int] = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    warnings = [
        f"{key}: referenced by {', '.join(names)} but not in the control catalog"
        for key, names in catalog.unknown_references.items()
    ]
    context = {
        "package": "trust-fabric evidence",
        "format_version": 1,
        "stack": stack,
        "program": str(program),
        "generated_at": stamp,
        "run": {"started": started.isoformat().replace("+00:00", "Z"), "finished": stamp},
        "git": git_state(REPO_ROOT),
        "pack_version": pack_version,
        "tools": tool_versions(),
        "oscal_version": OSCAL_VERSION,
        "sbom": sbom_source,
        "gate": {
            "exit_code": gate.exit_code,
            "resources_evaluated": gate.resources_evaluated,
            "policies_evaluated": gate.policies_evaluated,
            "findings": len(gate.findings),
            "exempted": len(gate.exempted),
            "policy_config": str(policy_config_file) if policy_config_file else None,
        },
        "controls": counts,
        "inputs": {"present": present, "absent": absent},
        "warnings": warnings,
    }
    report("evidence: hashing and signing the manifest")
    manifest = sign_package(out, context, key, provenance)
    report(f"evidence: wrote {len(manifest['files']) + 2} files to {out} (key: {provenance})")
    return manifest


__all__ = ["Inputs", "build_package", "generate_sbom", "git_state", "tool_versions"]
