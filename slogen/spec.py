"""Load and validate service level objectives written as OpenSLO-style YAML in `slos/`.

One file holds one objective. Every problem raises `SloSpecError` naming the file and the field, in the form
`slos/ingest.yaml: spec.objectives[0].target: must be a number between 0 and 1, got 1.5`. Files are read
strictly (`domain.strict_yaml`: no key twice, UTF-8 only), every mapping takes only the keys below (a misspelled
one is named, with the closest allowed key), and `load_slo_dir` checks that every runbook exists beside `slos/`.

Usage::

    from pathlib import Path
    from slogen.spec import load_slo_dir

    for slo in load_slo_dir(Path("slos")):
        print(slo.name, slo.service, slo.target, slo.window)

A spec (see `docs/slos.md` for every field)::

    apiVersion: openslo/v1
    kind: SLO
    metadata: {name: ingestion-availability, displayName: Document ingestion availability}
    spec:
      service: ingestion
      description: Uploaded documents are accepted.
      owner: team-ingestion
      tier: tier0                      # tier0 | tier1 | records
      runbook: runbooks/slo-ingestion-availability.md
      budgetingMethod: Occurrences     # optional; Timeslices for a timeslice indicator
      indicator:
        ratio:                         # or latency: {...} or timeslice: {...}
          bad: 'http_requests_total{service="ingestion",code=~"5.."}'
          total: 'http_requests_total{service="ingestion"}'
          testLabels: {good: {code: "201"}, bad: {code: "503"}}
      timeWindow: [{duration: 30d, isRolling: true}]
      objectives: [{displayName: 99.9% of uploads accepted, target: 0.999}]
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import yaml

from domain.errors import InputError
from domain.strict_yaml import TextProblem, YamlProblem, decode_utf8, load_yaml
from slogen.promql import Selector, number_text, parse_selector

API_VERSION = "openslo/v1"
TIERS: tuple[str, ...] = ("tier0", "tier1", "records")
"""tier0: customer-facing money or statutory path; tier1: degrades gracefully; records: statutory records."""
INDICATOR_KINDS: tuple[str, ...] = ("ratio", "latency", "timeslice")
COMPARISONS: tuple[str, ...] = ("<", "<=", ">", ">=")
MIN_WINDOW_DAYS = 7
MAX_WINDOW_DAYS = 90
FASTEST_BURN_FACTOR_30D = 14.4
"""The Google SRE workbook's fastest page burn rate for a 30-day window (2% of the budget in one hour)."""
SLOW_PAGE_BURN_FACTOR_30D = 6.0
"""The workbook's second page burn rate for a 30-day window (5% of the budget in six hours)."""
PAGE_DETECTION_MINUTES = 2
"""The paging MTTD target: a full outage (100% errors) pages within this many minutes of its start."""
FULL_OUTAGE_MARGIN = 0.9
"""Share of a full outage's footprint the full-outage page condition demands; the rest absorbs range-boundary and
rate() extrapolation effects (a 1h window holds 2/60 or 2/59 errors after two minutes, depending on the release)."""


def full_outage_cap(window_minutes: int) -> float:
    """The threshold of the full-outage page condition over a window: 90% of the error ratio a full outage shows
    there after `PAGE_DETECTION_MINUTES` (1h -> 0.03, 5m -> 0.36). A higher one could not page within the target."""
    return round(FULL_OUTAGE_MARGIN * PAGE_DETECTION_MINUTES / window_minutes, 6)


_NAME = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$")
_WINDOW = re.compile(r"^([1-9][0-9]*)([dw])$")
_RUNBOOK = re.compile(r"^runbooks/[a-z0-9][a-z0-9-]*\.md$")

ROOT_KEYS = ("apiVersion", "kind", "metadata", "spec")
METADATA_KEYS = ("name", "displayName")
SPEC_KEYS = (
    "service",
    "description",
    "owner",
    "tier",
    "runbook",
    "budgetingMethod",
    "indicator",
    "timeWindow",
    "objectives",
)
INDICATOR_KEYS: dict[str, tuple[str, ...]] = {
    "ratio": ("total", "good", "bad", "testLabels"),
    "latency": ("histogram", "threshold"),
    "timeslice": ("gauge", "comparison", "threshold"),
}
TEST_LABELS_KEYS = ("good", "bad")
WINDOW_KEYS = ("duration", "isRolling")
OBJECTIVE_KEYS = ("displayName", "target")


class SloSpecError(InputError):
    """An SLO file is unreadable or holds a missing, mistyped or out-of-range field."""


@dataclass(frozen=True)
class RatioIndicator:
    """Error ratio = bad / total, or 1 - good / total, over counters of one metric."""

    total: Selector
    """All events."""
    good: Selector | None
    """Good events (exactly one of good and bad is set)."""
    bad: Selector | None
    """Bad events (exactly one of good and bad is set)."""
    test_good_labels: dict[str, str] = field(default_factory=dict)
    """Labels (beyond total's `=` matchers) of an example good series, used by the generated promtool suite."""
    test_bad_labels: dict[str, str] = field(default_factory=dict)
    """Labels (beyond total's `=` matchers) of an example bad series, used by the generated promtool suite."""
    kind: str = "ratio"


@dataclass(frozen=True)
class LatencyIndicator:
    """Good events are requests faster than `threshold` seconds: histogram bucket `le=threshold` over count."""

    histogram: Selector
    """The histogram's base name (without `_bucket`) and matchers (no `le`)."""
    threshold: float
    """Seconds; must be one of the histogram's bucket boundaries."""
    kind: str = "latency"

    @property
    def le(self) -> str:
        """The bucket's `le` label value as Prometheus clients render it (0.5 -> "0.5", 1 -> "1")."""
        return number_text(self.threshold)


@dataclass(frozen=True)
class TimesliceIndicator:
    """Good minutes are those where the gauge compares well with the threshold (budgeting by time slices)."""

    gauge: Selector
    """The gauge; aggregated with max (good when below) or min (good when above) across series."""
    comparison: str
    """How a good minute compares with the threshold: `<`, `<=`, `>` or `>=`."""
    threshold: float
    """The threshold in the gauge's unit."""
    kind: str = "timeslice"

    @property
    def good_when_below(self) -> bool:
        """True when lower values are good (lag, age), false when higher values are good."""
        return self.comparison in ("<", "<=")


Indicator = RatioIndicator | LatencyIndicator | TimesliceIndicator


@dataclass(frozen=True)
class SloSpec:
    """One validated service level objective."""

    name: str
    """metadata.name: lowercase, digits and hyphens; labels every generated rule as `slo`."""
    display_name: str
    """metadata.displayName, or the name."""
    service: str
    """spec.service: labels every generated rule as `service`; one Grafana dashboard per service."""
    description: str
    """spec.description: what the objective promises, in a sentence."""
    owner: str
    """spec.owner: the team that answers the page."""
    tier: str
    """spec.tier: tier0, tier1 or records; decides the page severity."""
    indicator: Indicator
    """spec.indicator: how good and bad events are counted."""
    target: float
    """spec.objectives[0].target: the objective, strictly between 0 and 1."""
    window_days: int
    """spec.timeWindow[0].duration in days (rolling)."""
    runbook: str
    """spec.runbook: repository path of the runbook, `runbooks/<file>.md`."""
    source: str
    """The file the spec came from, as given to the loader (for messages)."""

    @property
    def error_budget(self) -> float:
        """The allowed error ratio, 1 - target."""
        return 1.0 - self.target

    @property
    def window(self) -> str:
        """The SLO period in Prometheus duration syntax, such as `30d`."""
        return f"{self.window_days}d"


def load_slo_dir(slo_dir: Path) -> list[SloSpec]:
    """Every `*.yaml`/`*.yml` spec in `slo_dir`, sorted by name; names must be unique."""
    if not slo_dir.is_dir():
        raise SloSpecError(f"{slo_dir}: not a directory of SLO specs")
    files = sorted([*slo_dir.glob("*.yaml"), *slo_dir.glob("*.yml")])
    if not files:
        raise SloSpecError(f"{slo_dir}: holds no SLO specs (*.yaml)")
    specs: dict[str, SloSpec] = {}
    for path in files:
        spec = load_slo(path)
        if spec.name in specs:
            raise SloSpecError(
                f"{path}: metadata.name: {_r(spec.name)} is already defined in {specs[spec.name].source}"
            )
        specs[spec.name] = spec
    repository = slo_dir.resolve().parent
    for spec in specs.values():
        if not (repository / spec.runbook).is_file():
            raise SloSpecError(f"{spec.source}: spec.runbook: {spec.runbook} does not exist in {repository}")
    return [specs[name] for name in sorted(specs)]


def load_slo(path: Path) -> SloSpec:
    """Read and validate one spec file."""
    source = str(path)
    try:
        document = load_yaml(decode_utf8(path.read_bytes()))
    except OSError as error:
        raise SloSpecError(f"{source}: cannot be read: {error.strerror}") from None
    except TextProblem as problem:
        raise SloSpecError(f"{source}: {problem}") from None
    except YamlProblem as problem:
        where = f"{problem.path}: " if problem.path else ""
        raise SloSpecError(f"{source}:{problem.line}: {where}{problem.problem}") from None
    except yaml.YAMLError as error:
        problem_text = getattr(error, "problem", None) or "malformed document"
        raise SloSpecError(f"{source}: not valid YAML: {problem_text}") from None
    return parse_slo(document, source)


def parse_slo(document: object, source: str) -> SloSpec:
    """Validate an already-parsed spec; `source` names it in messages."""
    reader = _Reader(source)
    root = reader.mapping(document, "")
    reader.only(root, "", ROOT_KEYS)
    api_version = reader.string(root, "apiVersion", "")
    if api_version != API_VERSION:
        reader.fail("apiVersion", f"must be {_r(API_VERSION)}, got {_r(api_version)}")
    kind = reader.string(root, "kind", "")
    if kind != "SLO":
        reader.fail("kind", f"must be 'SLO', got {_r(kind)}")
    metadata = reader.mapping(reader.required(root, "metadata", ""), "metadata")
    reader.only(metadata, "metadata", METADATA_KEYS)
    name = reader.string(metadata, "name", "metadata")
    if not _NAME.fullmatch(name):
        reader.fail("metadata.name", f"must be lowercase letters, digits and hyphens, got {_r(name)}")
    display_name = reader.optional_string(metadata, "displayName", "metadata") or name

    spec = reader.mapping(reader.required(root, "spec", ""), "spec")
    reader.only(spec, "spec", SPEC_KEYS)
    service = reader.string(spec, "service", "spec")
    if not _NAME.fullmatch(service):
        reader.fail("spec.service", f"must be lowercase letters, digits and hyphens, got {_r(service)}")
    description = reader.string(spec, "description", "spec")
    owner = reader.string(spec, "owner", "spec")
    tier = reader.string(spec, "tier", "spec")
    if tier not in TIERS:
        reader.fail("spec.tier", f"must be one of {', '.join(TIERS)}, got {_r(tier)}")
    runbook = reader.string(spec, "runbook", "spec")
    if not _RUNBOOK.fullmatch(runbook):
        reader.fail("spec.runbook", f"must be a path like 'runbooks/slo-{name}.md', got {_r(runbook)}")

    indicator = _parse_indicator(reader, reader.mapping(reader.required(spec, "indicator", "spec"), "spec.indicator"))
    method = reader.optional_string(spec, "budgetingMethod", "spec")
    expected_method = "Timeslices" if isinstance(indicator, TimesliceIndicator) else "Occurrences"
    if method is not None and method != expected_method:
        reader.fail(
            "spec.budgetingMethod",
            f"must be {_r(expected_method)} for a {indicator.kind} indicator, got {_r(method)}",
        )

    window_days = _parse_window(reader, spec)
    target = _parse_target(reader, spec, window_days)
    return SloSpec(
        name=name,
        display_name=display_name,
        service=service,
        description=description,
        owner=owner,
        tier=tier,
        indicator=indicator,
        target=target,
        window_days=window_days,
        runbook=runbook,
        source=source,
    )


def _parse_indicator(reader: _Reader, indicator: dict[str, Any]) -> Indicator:
    kinds = [kind for kind in INDICATOR_KINDS if kind in indicator]
    unknown = sorted(set(indicator) - set(INDICATOR_KINDS))
    if unknown:
        reader.fail("spec.indicator", f"unknown key {_r(unknown[0])}; allowed: {', '.join(INDICATOR_KINDS)}")
    if len(kinds) != 1:
        reader.fail(
            "spec.indicator",
            f"must hold exactly one of {', '.join(INDICATOR_KINDS)}, got {', '.join(kinds) or 'none'}",
        )
    kind = kinds[0]
    where = f"spec.indicator.{kind}"
    body = reader.mapping(indicator[kind], where)
    reader.only(body, where, INDICATOR_KEYS[kind])
    if kind == "latency":
        histogram = reader.selector(body, "histogram", where)
        if any(matcher.label == "le" for matcher in histogram.matchers):
            reader.fail(f"{where}.histogram", "must not match on 'le'; the threshold chooses the bucket")
        return LatencyIndicator(histogram=histogram, threshold=reader.positive_number(body, "threshold", where))
    if kind == "timeslice":
        gauge = reader.selector(body, "gauge", where)
        comparison = reader.string(body, "comparison", where)
        if comparison not in COMPARISONS:
            reader.fail(f"{where}.comparison", f"must be one of {', '.join(COMPARISONS)}, got {_r(comparison)}")
        threshold = reader.number(body, "threshold", where)
        return TimesliceIndicator(gauge=gauge, comparison=comparison, threshold=threshold)
    return _parse_ratio(reader, body, where)


def _parse_ratio(reader: _Reader, body: dict[str, Any], where: str) -> RatioIndicator:
    total = reader.selector(body, "total", where)
    present = [key for key in ("good", "bad") if key in body]
    if len(present) != 1:
        reader.fail(where, f"must hold exactly one of good, bad, got {', '.join(present) or 'none'}")
    key = present[0]
    events = reader.selector(body, key, where)
    if events.metric != total.metric:
        reader.fail(
            f"{where}.{key}",
            f"must count the same metric as total ({_r(total.metric)}), got {_r(events.metric)}",
        )
    test_labels = reader.mapping(reader.required(body, "testLabels", where), f"{where}.testLabels")
    reader.only(test_labels, f"{where}.testLabels", TEST_LABELS_KEYS)
    examples: dict[str, dict[str, str]] = {}
    for example in ("good", "bad"):
        field_path = f"{where}.testLabels.{example}"
        labels = reader.mapping(reader.required(test_labels, example, f"{where}.testLabels"), field_path)
        for label, value in labels.items():
            if not isinstance(value, str):
                reader.fail(f"{field_path}.{label}", f"must be a string, got {_r(value)}")
        series = {**total.equality_labels(), **labels}
        if not total.matches(series):
            reader.fail(field_path, f"the example series {series} is not selected by {where}.total")
        is_good = events.matches(series) if key == "good" else not events.matches(series)
        if is_good != (example == "good"):
            reader.fail(field_path, f"the example series {series} does not count as {example} by {where}.{key}")
        examples[example] = dict(labels)
    return RatioIndicator(
        total=total,
        good=events if key == "good" else None,
        bad=events if key == "bad" else None,
        test_good_labels=examples["good"],
        test_bad_labels=examples["bad"],
    )


def _parse_window(reader: _Reader, spec: dict[str, Any]) -> int:
    windows = reader.required(spec, "timeWindow", "spec")
    if not isinstance(windows, list) or len(windows) != 1:
        reader.fail("spec.timeWindow", f"must be a list with exactly one window, got {_r(windows)}")
    window = reader.mapping(windows[0], "spec.timeWindow[0]")
    reader.only(window, "spec.timeWindow[0]", WINDOW_KEYS)
    duration = reader.string(window, "duration", "spec.timeWindow[0]")
    found = _WINDOW.fullmatch(duration)
    if not found:
        reader.fail("spec.timeWindow[0].duration", f"must look like '30d' or '4w', got {_r(duration)}")
    days = int(found.group(1)) * (7 if found.group(2) == "w" else 1)
    if not MIN_WINDOW_DAYS <= days <= MAX_WINDOW_DAYS:
        reader.fail(
            "spec.timeWindow[0].duration",
            f"must be between {MIN_WINDOW_DAYS}d and {MAX_WINDOW_DAYS}d, got {_r(duration)}",
        )
    rolling = window.get("isRolling", True)
    if rolling is not True:
        reader.fail("spec.timeWindow[0].isRolling", f"only rolling windows are supported, got {_r(rolling)}")
    return days


def _parse_target(reader: _Reader, spec: dict[str, Any], window_days: int) -> float:
    objectives = reader.required(spec, "objectives", "spec")
    if not isinstance(objectives, list) or len(objectives) != 1:
        reader.fail("spec.objectives", f"must be a list with exactly one objective, got {_r(objectives)}")
    objective = reader.mapping(objectives[0], "spec.objectives[0]")
    reader.only(objective, "spec.objectives[0]", OBJECTIVE_KEYS)
    target = reader.required(objective, "target", "spec.objectives[0]")
    if (
        isinstance(target, bool)
        or not isinstance(target, int | float)
        or not math.isfinite(target)
        or not 0 < target < 1
    ):
        reader.fail("spec.objectives[0].target", f"must be a number between 0 and 1, got {_r(target)}")
    # The full-outage page condition fires above 36% errors over 5m; that must stay above the 6h page's threshold,
    # or the full-outage condition would fire on burns meant for the slower page or a ticket.
    slow = SLOW_PAGE_BURN_FACTOR_30D * window_days / 30
    cap = full_outage_cap(5)
    if slow * (1 - target) >= cap:
        reader.fail(
            "spec.objectives[0].target",
            f"{_r(target)} leaves so large a budget that the {number_text(round(slow, 4))}x page burn rate needs "
            f"{number_text(round(slow * (1 - target) * 100, 2))}% errors, not below the "
            f"{number_text(round(cap * 100, 2))}% over 5m at which the full-outage page condition fires; use a "
            f"target above {number_text(round(1 - cap / slow, 4))}",
        )
    return float(target)


class _Reader:
    """Typed field access that raises SloSpecError naming the source file and the field path."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, message: str) -> NoReturn:
        where = f"{self.source}: {path}: " if path else f"{self.source}: "
        raise SloSpecError(where + message)

    def mapping(self, value: object, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, f"must be a mapping, got {_kind(value)}")
        return {str(key): item for key, item in value.items()}

    def only(self, mapping: dict[str, Any], path: str, allowed: tuple[str, ...]) -> None:
        """Every key of `mapping` is one of `allowed`; a misspelled one is named with the closest allowed key."""
        for key in mapping:
            if key in allowed:
                continue
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f" did you mean {_r(close[0])}?" if close else ""
            shown = key if len(key) <= 60 else f"{key[:60]}..."
            self.fail(_join(path, shown), f"unknown key;{hint} allowed: {', '.join(allowed)}")

    def required(self, mapping: dict[str, Any], key: str, parent: str) -> Any:
        if key not in mapping or mapping[key] is None:
            self.fail(_join(parent, key), "is required")
        return mapping[key]

    def string(self, mapping: dict[str, Any], key: str, parent: str) -> str:
        value = self.required(mapping, key, parent)
        if not isinstance(value, str) or not value.strip():
            self.fail(_join(parent, key), f"must be a non-empty string, got {_r(value)}")
        return str(value)

    def optional_string(self, mapping: dict[str, Any], key: str, parent: str) -> str | None:
        return self.string(mapping, key, parent) if mapping.get(key) is not None else None

    def number(self, mapping: dict[str, Any], key: str, parent: str) -> float:
        value = self.required(mapping, key, parent)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.fail(_join(parent, key), f"must be a number, got {_r(value)}")
        return float(value)

    def positive_number(self, mapping: dict[str, Any], key: str, parent: str) -> float:
        value = self.number(mapping, key, parent)
        if value <= 0:
            self.fail(_join(parent, key), f"must be a number above 0, got {_r(mapping[key])}")
        return value

    def selector(self, mapping: dict[str, Any], key: str, parent: str) -> Selector:
        text = self.string(mapping, key, parent)
        try:
            return parse_selector(text)
        except ValueError as error:
            self.fail(_join(parent, key), str(error))


def _r(value: object, limit: int = 120) -> str:
    """`repr(value)`, cut short: a message stays one readable line whatever the file holds."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 4]}...{text[-1]}"


def _join(parent: str, key: str) -> str:
    return f"{parent}.{key}" if parent else key


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    return f"{type(value).__name__} {_r(value)}"
