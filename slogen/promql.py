"""PromQL as the SLO specs write it: instant vector selectors (a metric and label matchers) and numbers.

Usage::

    from slogen.promql import parse_selector

    selector = parse_selector('http_requests_total{service="ingestion",code=~"5.."}')
    selector.render("http_requests_total")        # the PromQL text again
    selector.matches({"service": "ingestion", "code": "503"})   # True
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

_METRIC = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
_SELECTOR = re.compile(rf"^\s*({_METRIC})\s*(?:\{{(.*)\}})?\s*$", re.DOTALL)
_MATCHER = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(?:,|$)')


@dataclass(frozen=True)
class Matcher:
    """One PromQL label matcher, such as `code=~"5.."`."""

    label: str
    """The label name."""
    operator: str
    """One of `=`, `!=`, `=~`, `!~`."""
    value: str
    """The unescaped value (a fully anchored regular expression for `=~` and `!~`)."""

    def matches(self, labels: Mapping[str, str]) -> bool:
        """Whether a series with these labels is selected (a missing label reads as the empty string)."""
        actual = labels.get(self.label, "")
        if self.operator == "=":
            return actual == self.value
        if self.operator == "!=":
            return actual != self.value
        found = re.fullmatch(self.value, actual) is not None
        return found if self.operator == "=~" else not found

    def render(self) -> str:
        """The matcher as PromQL text."""
        escaped = self.value.replace("\\", "\\\\").replace('"', '\\"')
        return f'{self.label}{self.operator}"{escaped}"'


@dataclass(frozen=True)
class Selector:
    """A PromQL instant vector selector: a metric name and label matchers, no functions."""

    metric: str
    """The metric name."""
    matchers: tuple[Matcher, ...] = ()
    """The label matchers, in the order written."""

    def render(self, metric: str | None = None, extra: tuple[Matcher, ...] = ()) -> str:
        """PromQL text, optionally for another metric name (`_bucket`, `_count`) and with extra matchers."""
        all_matchers = self.matchers + extra
        inner = ",".join(matcher.render() for matcher in all_matchers)
        return f"{metric or self.metric}{{{inner}}}" if all_matchers else (metric or self.metric)

    def equality_labels(self) -> dict[str, str]:
        """Labels pinned by `=` matchers: every synthetic test series carries them."""
        return {m.label: m.value for m in self.matchers if m.operator == "="}

    def matches(self, labels: Mapping[str, str]) -> bool:
        """Whether a series of this metric with these labels is selected."""
        return all(matcher.matches(labels) for matcher in self.matchers)


def parse_selector(text: str) -> Selector:
    """Parse `metric{label="v",other=~"re"}`; raises ValueError saying what is wrong."""
    found = _SELECTOR.match(text)
    if not found:
        raise ValueError(f"must be a PromQL selector like 'metric{{label=\"value\"}}', got {text!r}")
    metric, body = found.group(1), found.group(2) or ""
    matchers: list[Matcher] = []
    position = 0
    body = body.strip()
    while position < len(body):
        matched = _MATCHER.match(body, position)
        if not matched:
            raise ValueError(f"has a malformed label matcher at {body[position:]!r}")
        label, operator, raw = matched.groups()
        value = re.sub(r"\\(.)", r"\1", raw)
        if operator in ("=~", "!~"):
            try:
                re.compile(value)
            except re.error as error:
                raise ValueError(f"has an invalid regular expression for {label}: {value!r} ({error})") from None
        matchers.append(Matcher(label, operator, value))
        position = matched.end()
    return Selector(metric, tuple(matchers))


def series_text(metric: str, labels: Mapping[str, str]) -> str:
    """One series as promtool's input notation names it: `metric{a="1",b="2"}`, labels sorted."""
    inner = ",".join(Matcher(key, "=", value).render() for key, value in sorted(labels.items()))
    return f"{metric}{{{inner}}}"


def number_text(value: float) -> str:
    """A number as Prometheus and people write it: 60.0 -> "60", 0.5 -> "0.5"."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def duration_minutes(duration: str) -> int:
    """`5m` -> 5, `1h` -> 60, `1d` -> 1440; seconds round up to whole evaluations (`0s` -> 0, `30s` -> 1)."""
    amount, unit = int(duration[:-1]), duration[-1]
    if unit == "s":
        return -(-amount // 60)
    return amount * {"m": 1, "h": 60, "d": 1440}[unit]
