"""A gate run, kept under the SHA-256 of every input it depends on, so an unchanged stack is not gated twice.

`make check` gates prod (`trustfabric check`) and then builds prod's evidence package (`trustfabric evidence`)
from the same inputs; a warm `make check` (nothing changed since the last) gates the same inputs again. Both
reuse the stored run instead of re-running the program and the policies. A stored run is reused only when the
key is the same, and the key covers every input of the run:

- the stack name and every file of the program dir (relative name and bytes; its `reports/` and `evidence/`
  outputs, virtualenvs, `.git` and tool caches skipped), which for this repository holds the stacks, components,
  settings (`Pulumi.<stack>.yaml`), the policy pack and its exemptions;
- the toolchain's own package (`trustfabric/`) and the package of every policy handed in (name, module,
  enforcement, and the package's files), wherever they live;
- the policy config file, the exemptions file and the checkov suppressions file (path and bytes, or absent),
  `--max-lifetime-days`, and today's date (exemptions expire by the day);
- the interpreter (only runs in this process are stored), the Python version, and every installed
  distribution's RECORD (its name, version and the hash of each of its files), so any package change counts;
- the environment variables a program or the toolchain reads for its behaviour: `PULUMI_*`, `TRUSTFABRIC_*`
  (but the cache switches and the evidence signing key), `AWS_REGION`, `AWS_DEFAULT_REGION`, `AWS_PROFILE`.

Any difference gives another key, so a stored run is never reused for changed inputs; a program that reads
anything else (a file outside its dir, the time of day) is deterministic only as far as those inputs are.

What is stored (JSON, never pickle): the graph with every secret's strings masked (structure kept, so the
checkov bridge plans it the same way), the findings and exemptions, the counts, and, when the run was scanned by
checkov, the bridged plan's SHA-256. An entry that does not read, or names another key, is ignored. The entries
live in `$TRUSTFABRIC_CACHE_DIR/gate` (default `~/.cache/trustfabric/gate`), the newest per program dir and
stack; `TRUSTFABRIC_NO_CACHE=1` turns the cache off (the test suite does). Anyone who can write that directory
can change what a later run reports, as with checkov's verdict cache (`trustfabric.bridge.cache`): keep it the
user's own.

Usage::

    from trustfabric.gate.cache import RunKey, load_run, store_run

    key = run_key(program_dir, "prod", policies=policies)
    cached = load_run(key)            # a GateResult, or None
    ...
    store_run(key, result, plan_sha256=scan.plan_sha256)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..findings import Finding, ResourceRef
from ..graph import SECRET_MASK, ResourceGraph, mask_secrets
from .run import GateResult

FORMAT = 1
"""Bumped when the stored shape or the meaning of a gate run changes."""
NO_CACHE_ENV = "TRUSTFABRIC_NO_CACHE"
SKIPPED_DIRS = frozenset(
    {".git", ".hg", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".cache", "node_modules"}
)
"""Directories under a program dir that are never inputs of a run (anywhere in the tree)."""
OUTPUT_DIRS = frozenset({"reports", "evidence", "build"})
"""Top-level directories of a program dir the toolchain writes its outputs into."""
ENV_NAMES = frozenset({"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"})
ENV_PREFIXES = ("PULUMI_", "TRUSTFABRIC_")
ENV_IGNORED = frozenset({"TRUSTFABRIC_NO_CACHE", "TRUSTFABRIC_CACHE_DIR", "TRUSTFABRIC_EVIDENCE_KEY"})


@dataclass(frozen=True)
class RunKey:
    """The SHA-256 of a run's inputs, and where its entry is kept (one per program dir and stack)."""

    digest: str
    slot: str
    """`<sha256 of the program dir's path, 16 hex>-<stack>`: the newest entry of this slot is kept."""


def cache_dir() -> Path | None:
    """Where gate runs are kept; None when caching is turned off."""
    if os.environ.get(NO_CACHE_ENV, "").strip() not in ("", "0"):
        return None
    from ..engine.interpreter import cache_root

    return cache_root() / "gate"


def _update_file(digest: Any, label: str, path: Path) -> None:
    try:
        data = path.read_bytes()
    except OSError:
        digest.update(b"%s:absent;" % label.encode())
        return
    name = label.encode()
    digest.update(b"%d:%s%d:" % (len(name), name, len(data)))
    digest.update(data)


def _tree_files(root: Path, *, skip: Iterable[Path] = ()) -> list[Path]:
    """Every file under `root`, sorted, without the skipped dirs, virtualenvs and the given paths."""
    skipped = {path.resolve() for path in skip}
    found: list[Path] = []
    for directory, dirs, files in os.walk(root):
        here = Path(directory)
        kept = []
        for name in dirs:
            child = here / name
            if name in SKIPPED_DIRS or name.startswith(".venv") or (child / "pyvenv.cfg").exists():
                continue
            if here == root and name in OUTPUT_DIRS:
                continue
            if child.resolve() in skipped:
                continue
            kept.append(name)
        dirs[:] = sorted(kept)
        found += [here / name for name in sorted(files) if not name.endswith((".pyc", ".pyo"))]
    return found


def _update_tree(digest: Any, label: str, root: Path, *, skip: Iterable[Path] = ()) -> None:
    digest.update(f"tree {label}\n".encode())
    for path in _tree_files(root, skip=skip):
        _update_file(digest, f"{label}/{path.relative_to(root).as_posix()}", path)


def _installed(digest: Any) -> None:
    """Every distribution on sys.path: the name of its metadata dir and its RECORD (each file's hash)."""
    for entry in sys.path:
        base = Path(entry or ".")
        if not base.is_dir():
            continue
        with contextlib.suppress(OSError):
            for meta in sorted(base.glob("*.dist-info")) + sorted(base.glob("*.egg-info")):
                digest.update(f"dist {meta.name}\n".encode())
                _update_file(digest, f"{meta.name}/RECORD", meta / "RECORD")


update_tree = _update_tree
"""Hash a directory's files into a digest (the same rule as a gate run's key; the evidence cache uses it)."""
update_installed = _installed
"""Hash every installed distribution's RECORD into a digest (the same rule as a gate run's key)."""


def _package_root(module_name: str) -> Path | None:
    module = sys.modules.get(module_name.split(".")[0])
    paths = list(getattr(module, "__path__", []) or [])
    return Path(paths[0]) if paths else None


def run_key(
    program_dir: str | Path,
    stack: str,
    *,
    policies: Sequence[Any],
    policy_config_file: Path | None = None,
    exemptions_file: Path | None = None,
    suppressions_file: Path | None = None,
    max_lifetime_days: int | None = None,
    today: dt.date | None = None,
    interpreter: str = "",
) -> RunKey:
    """The key of a gate run of `program_dir` for `stack` with these inputs (see the module docstring)."""
    from ..gate.info import policy_info
    from ..paths import DEFAULT_CHECKOV_SUPPRESSIONS, DEFAULT_EXEMPTIONS

    program = Path(program_dir).resolve()
    digest = hashlib.sha256()
    digest.update(f"format {FORMAT}\nstack {stack}\ninterpreter {interpreter}\n".encode())
    digest.update(f"python {sys.version} {platform.platform()}\nprefix {sys.prefix}\n".encode())
    digest.update(f"today {(today or dt.date.today()).isoformat()}\nmax-lifetime {max_lifetime_days}\n".encode())
    for name in sorted(os.environ):
        if (name in ENV_NAMES or name.startswith(ENV_PREFIXES)) and name not in ENV_IGNORED:
            digest.update(f"env {name}={os.environ[name]}\n".encode())
    cache = cache_dir()
    _update_tree(digest, "program", program, skip=[cache] if cache is not None else [])
    toolchain = Path(__file__).resolve().parent.parent
    _update_tree(digest, "toolchain", toolchain)
    packages: set[Path] = set()
    for policy in policies:
        info = policy_info(policy)
        module = info.module or type(policy).__module__
        digest.update(f"policy {policy.name} {module} {info.enforcement}\n".encode())
        root = _package_root(module)
        if root is not None:
            packages.add(root.resolve())
    for root in sorted(packages):
        if root != program and program not in root.parents:
            _update_tree(digest, f"package {root}", root)
    for label, path in (
        ("policy-config", policy_config_file),
        ("exemptions", exemptions_file or DEFAULT_EXEMPTIONS),
        ("suppressions", suppressions_file or DEFAULT_CHECKOV_SUPPRESSIONS),
    ):
        if path is not None:
            _update_file(digest, f"{label} {Path(path).resolve()}", Path(path))
        else:
            digest.update(f"{label}: none;".encode())
    _installed(digest)
    slot = hashlib.sha256(str(program).encode()).hexdigest()[:16]
    return RunKey(digest.hexdigest(), f"{slot}-{stack}")


def gate_run_key(
    program_dir: str | Path,
    stack: str,
    *,
    policies: Sequence[Any],
    interpreter: Any = None,
    policy_config_file: Path | None = None,
    exemptions_file: Path | None = None,
    suppressions_file: Path | None = None,
    max_lifetime_days: int | None = None,
    today: dt.date | None = None,
) -> RunKey | None:
    """The key of the gate run the CLI is about to make, or None when it is not to be kept: caching is off, or
    the program runs in another interpreter (whose packages this process cannot see). `interpreter` defaults to
    the one the program's Pulumi.yaml names."""
    if cache_dir() is None:
        return None
    if interpreter is None:
        from ..engine import choose_interpreter, load_project

        interpreter = choose_interpreter(load_project(program_dir))
    if not interpreter.in_process:
        return None
    return run_key(
        program_dir,
        stack,
        policies=policies,
        policy_config_file=policy_config_file,
        exemptions_file=exemptions_file,
        suppressions_file=suppressions_file,
        max_lifetime_days=max_lifetime_days,
        today=today,
        interpreter=interpreter.description,
    )


def reused_run(key: RunKey | None, say: Callable[[str], None]) -> CachedRun | None:
    """The stored run for `key`, said in one line (`say`) when there is one."""
    cached = load_run(key) if key is not None else None
    if cached is not None:
        say(
            f"gate: every input unchanged since the run of {cached.created}: its results reused "
            f"(key sha256:{key.digest[:16] if key else ''}...; TRUSTFABRIC_NO_CACHE=1 runs it again)"
        )
    return cached


# ------------------------------------------------------------------------------------------------------------
# the stored form


def graph_dict(graph: ResourceGraph) -> dict[str, Any]:
    """The whole graph (order kept), secrets masked: `ResourceGraph.to_dict(mask=True)`."""
    return graph.to_dict(mask=True)


def graph_from_dict(data: dict[str, Any]) -> ResourceGraph:
    graph = ResourceGraph.from_dict(data)
    graph.program_dir = str(data.get("program_dir", ""))
    graph.stack_urn = str(data.get("stack_urn", ""))
    return graph


def finding_from_dict(data: dict[str, Any]) -> Finding:
    return Finding(
        policy=data["policy"],
        enforcement=data["enforcement"],
        severity=data["severity"],
        message=data["message"],
        resource=ResourceRef(**data["resource"]),
        controls=tuple(data.get("controls", ())),
        source=data.get("source", "policy"),
        remediation=data.get("remediation", ""),
        also=tuple(data.get("also", ())),
        extra=dict(data.get("extra", {})),
    )


@dataclass(frozen=True)
class CachedRun:
    """A stored gate run: the result, the bridged plan's SHA-256 when checkov scanned it, and when it ran."""

    result: GateResult
    plan_sha256: str
    created: str


def load_run(key: RunKey) -> CachedRun | None:
    """The run stored under `key`, or None (caching off, no entry, an entry that does not read or names
    another key)."""
    directory = cache_dir()
    if directory is None:
        return None
    try:
        data = json.loads((directory / f"{key.slot}.json").read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key.digest:
            return None
        result = GateResult(
            graph=graph_from_dict(data["graph"]),
            findings=[finding_from_dict(item) for item in data["findings"]],
            exempted=[finding_from_dict(item) for item in data["exempted"]],
            resources_evaluated=int(data["resources_evaluated"]),
            policies_evaluated=int(data["policies_evaluated"]),
        )
        return CachedRun(result, str(data.get("plan_sha256") or ""), str(data.get("created", "")))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def store_run(key: RunKey, result: GateResult, *, plan_sha256: str = "") -> None:
    """Keep `result` under `key` (replacing the slot's older entry), atomically; a cache that cannot be written,
    or a result that is not plain data, is no error: the next run gates again."""
    directory = cache_dir()
    if directory is None:
        return
    created = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    try:
        text = json.dumps(
            {
                "format": FORMAT,
                "key": key.digest,
                "created": created,
                "graph": graph_dict(result.graph),
                "findings": [finding.as_dict() for finding in result.findings],
                "exempted": [finding.as_dict() for finding in result.exempted],
                "resources_evaluated": result.resources_evaluated,
                "policies_evaluated": result.policies_evaluated,
                "plan_sha256": plan_sha256,
            }
        )
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=directory, suffix=".tmp", delete=False, encoding="utf-8") as out:
            out.write(text)
        os.replace(out.name, directory / f"{key.slot}.json")
    except (OSError, TypeError, ValueError):
        return


__all__ = [
    "SECRET_MASK",
    "CachedRun",
    "RunKey",
    "cache_dir",
    "finding_from_dict",
    "gate_run_key",
    "graph_dict",
    "graph_from_dict",
    "load_run",
    "mask_secrets",
    "reused_run",
    "run_key",
    "store_run",
    "update_installed",
    "update_tree",
]
