"""The policy gate: run a program offline, evaluate the policies it is handed, return Findings.

The gate follows `pulumi preview --policy-pack` semantics: resource policies for every custom resource, then
stack policies; enforcement levels resolved config > policy > pack default (mandatory) by the SDK's own
analyzer; per-policy config validated against each policy's schema (with the schema's defaults applied, as the
CLI does). On top of that it adds what an auditor needs:

- *floors*: a policy config that loosens a property below its floor (a shorter retention, a weaker TLS policy)
  is a mandatory finding, even when the policy itself passes (trustfabric.gate.floors);
- *unknown values*: a policy the SDK cannot run during preview becomes an advisory finding, never a pass;
- *exemptions*: reviewed, dated exceptions (`policies/exemptions.yaml`) move matching findings aside; an
  expired exemption is itself a mandatory finding.

The gate never imports the policy pack: the caller hands it the policies (the CLI hands it
`policies.registry.all_policies()`).

Usage::

    from trustfabric.gate import run_gate

    result = run_gate("path/to/program", "prod", policies=all_policies(), policy_config_file=Path("policy.yaml"))
    for finding in result.findings:
        print(finding.enforcement, finding.policy, finding.resource.name, finding.message)
    raise SystemExit(result.exit_code)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import TrustFabricError
from ..findings import Finding, sort_key
from ..graph import ResourceGraph
from ..paths import DEFAULT_EXEMPTIONS
from ..reviewed import ReviewedEntry, entries_for_stack
from .analyzer import Analyzer, Diagnostic
from .config import PolicyConfig, load_policy_config
from .exemptions import load_exemptions
from .info import policy_info
from .verdicts import diagnostic_finding, expired_finding, floor_findings

Progress = Callable[[str], None]


@dataclass
class GateResult:
    """What one gate run found."""

    graph: ResourceGraph
    findings: list[Finding]
    """Counted findings, sorted (most severe first)."""
    exempted: list[Finding]
    """Findings a live exemption covers: shown, not counted (`extra["exemption"]` holds the entry)."""
    resources_evaluated: int
    """Custom resources (providers excluded) the resource policies ran against."""
    policies_evaluated: int = 0

    @property
    def mandatory(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.is_mandatory]

    @property
    def advisory(self) -> list[Finding]:
        return [finding for finding in self.findings if not finding.is_mandatory]

    @property
    def exit_code(self) -> int:
        """0 when no mandatory violation, 1 otherwise (the CLI contract)."""
        return 1 if self.mandatory else 0


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str, str, str]] = set()
    unique = []
    for finding in findings:
        key = (finding.policy, finding.resource.urn, finding.enforcement, finding.message)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def _crashed_policy(error: BaseException) -> str:
    """The policy module (or other code) an exception was raised in, from its traceback."""
    where = ""
    for frame, lineno in traceback.walk_tb(error.__traceback__):
        module = str(frame.f_globals.get("__name__", ""))
        if module.startswith("policies.") or module.startswith("tests."):
            where = f"{module}:{lineno}"
    return where or "the policy pack"


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Evaluation allocates millions of short-lived objects (proxies, args, protobufs) beside a graph that may
    hold millions more, and the cyclic collector kept rescanning them: on a 10,000-resource graph about a fifth
    of the gate's time. Those objects are freed by reference counting; evaluation leaves almost no cycles (25
    objects on that graph), so the collector is paused while it runs and resumed after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@_collector_paused()
def _analyze(analyzer: Analyzer, graph: ResourceGraph) -> list[Diagnostic]:
    """Resource policies per resource, then stack policies; a crashing policy is one clear error line."""
    diagnostics: list[Diagnostic] = []
    prepared = analyzer.prepare(graph)  # each resource's request is built once, for both passes
    for resource in graph.custom_resources:
        try:
            diagnostics += analyzer.analyze_resources(prepared, [resource])
        except Exception as error:
            raise TrustFabricError(
                f"policy evaluation failed on {resource.urn} in {_crashed_policy(error)}: "
                f"{type(error).__name__}: {_one_line(error)}"
            ) from error
    try:
        diagnostics += analyzer.analyze_stack(prepared)
    except Exception as error:
        raise TrustFabricError(
            f"stack policy evaluation failed in {_crashed_policy(error)}: {type(error).__name__}: {_one_line(error)}"
        ) from error
    return diagnostics


def run_gate(
    program_dir: str | Path,
    stack: str,
    policy_config_file: Path | None = None,
    exemptions_file: Path | None = None,
    graph: ResourceGraph | None = None,
    *,
    policies: Sequence[Any],
    today: dt.date | None = None,
    progress: Progress | None = None,
    max_lifetime_days: int | None = None,
    interpreter: Any = None,
) -> GateResult:
    """Run the program (unless `graph` is given), evaluate `policies`, apply floors and exemptions.

        `exemptions_file` defaults to `policies/exemptions.yaml` of this repository (absent means none);
        `progress` receives short status lines; `max_lifetime_days` overrides the exemptions file's maximum
        lifetime (trustfabric.reviewed); `interpreter` is where the program runs (`trustfabric.engine.interpreter`;
    default: the one its Pulumi.yaml names, else this process). Every exemption applying to the stack must name one of its resources. Bad input (config, exemptions, stack files, program errors) raises
        TrustFabricError.
    """
    from ..engine import run_program

    report = progress or (lambda _message: None)
    policy_list = list(policies)
    infos = {policy.name: policy_info(policy) for policy in policy_list}
    config = load_policy_config(Path(policy_config_file), policy_list) if policy_config_file else PolicyConfig()
    exemptions_path = Path(exemptions_file) if exemptions_file is not None else DEFAULT_EXEMPTIONS
    day = today or dt.date.today()
    exemptions: list[ReviewedEntry] = []
    if exemptions_file is not None or exemptions_path.is_file():
        exemptions = load_exemptions(
            exemptions_path, known_policies=set(infos), today=day, max_lifetime_days=max_lifetime_days
        )

    if graph is None:
        report(f"running {program_dir} for stack {stack} under the offline engine")
        graph = run_program(program_dir, stack, interpreter=interpreter)
    exemptions = entries_for_stack(exemptions, graph, str(exemptions_path))

    report(f"evaluating {len(policy_list)} policies against {len(graph.custom_resources)} resources")
    analyzer = Analyzer(policy_list, policy_config=config.analyzer_config(policy_list))
    diagnostics = _analyze(analyzer, graph)
    findings = [diagnostic_finding(d, infos.get(d.policy), graph) for d in diagnostics]
    findings += floor_findings(config, list(infos.values()), graph)

    live = [exemption for exemption in exemptions if exemption.is_live(day)]
    counted: list[Finding] = []
    exempted: list[Finding] = []
    for finding in _dedupe(findings):
        exemption = next((e for e in live if e.matches(finding)), None)
        if exemption is None:
            counted.append(finding)
        else:
            exempted.append(replace(finding, extra={**finding.extra, "exemption": exemption.as_dict()}))
    for exemption in exemptions:
        if not exemption.is_live(day):
            counted.append(expired_finding(exemption, infos.get(exemption.check), graph, str(exemptions_path)))

    return GateResult(
        graph=graph,
        findings=sorted(counted, key=sort_key),
        exempted=sorted(exempted, key=sort_key),
        resources_evaluated=len(graph.custom_resources),
        policies_evaluated=len(policy_list),
    )


__all__ = ["GateResult", "Progress", "run_gate"]
