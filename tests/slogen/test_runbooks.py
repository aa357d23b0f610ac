"""Every alert links a runbook file that exists and a heading anchor in it; each alert section is complete."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from slogen.alerts import alert_conditions, alert_name
from slogen.promql import number_text
from slogen.spec import load_slo_dir

REPO = Path(__file__).resolve().parents[2]
SECTIONS = ("Trigger", "Impact", "Diagnosis", "Steps", "Verification", "Rollback")


def github_anchors(markdown: str) -> set[str]:
    """Anchors GitHub generates for a document's headings (duplicates get -1, -2 ...), code fences skipped."""
    anchors: set[str] = set()
    seen: dict[str, int] = {}
    in_fence = False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
            continue
        heading = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if in_fence or not heading:
            continue
        slug = re.sub(r"[^\w\- ]", "", heading.group(1).lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        anchors.add(slug if count == 0 else f"{slug}-{count}")
        seen[slug] = count + 1
    return anchors


def _alerts(generated_dir: Path) -> list[dict[str, object]]:
    alerts = []
    for rule_file in sorted((generated_dir / "prometheus").glob("*.rules.yml")):
        for group in yaml.safe_load(rule_file.read_text())["groups"]:
            alerts += [rule for rule in group["rules"] if "alert" in rule]
    return alerts


def test_every_runbook_url_points_at_an_existing_file_and_anchor(generated_dir: Path) -> None:
    alerts = _alerts(generated_dir)
    assert len(alerts) == 12
    for alert in alerts:
        url = str(alert["annotations"]["runbook_url"])  # type: ignore[index]
        path, _, anchor = url.partition("#")
        assert re.fullmatch(r"runbooks/slo-[a-z0-9-]+\.md", path), url
        runbook = REPO / path
        assert runbook.is_file(), f"{alert['alert']}: {path} does not exist"
        assert anchor in github_anchors(runbook.read_text(encoding="utf-8")), (
            f"{alert['alert']}: no #{anchor} in {path}"
        )


def test_each_alert_section_has_the_runbook_subsections(generated_dir: Path) -> None:
    for alert in _alerts(generated_dir):
        path = str(alert["annotations"]["runbook_url"]).partition("#")[0]  # type: ignore[index]
        text = (REPO / path).read_text(encoding="utf-8")
        section = text.split(f"## {alert['alert']}", 1)[1].split("\n## ", 1)[0]
        headings = re.findall(r"^### (.+)$", section, flags=re.MULTILINE)
        assert tuple(headings) == SECTIONS, f"{alert['alert']} in {path}: {headings}"
        assert "```" in section, f"{alert['alert']} in {path}: no exact commands"


def test_anchor_function_follows_github() -> None:
    anchors = github_anchors("# Title\n## Steps\n### Steps\n## What's next?\n```\n# not a heading\n```\n")
    assert anchors == {"title", "steps", "steps-1", "whats-next"}


def test_each_trigger_states_the_thresholds_of_its_alert() -> None:
    # The runbook is written by hand; it must name every factor and full-outage threshold the generated alert uses.
    for slo in load_slo_dir(REPO / "slos"):
        text = (REPO / slo.runbook).read_text(encoding="utf-8")
        for kind in ("page", "ticket"):
            section = text.split(f"## {alert_name(slo, kind)}", 1)[1].split("\n## ", 1)[0]
            trigger = section.split("### Trigger", 1)[1].split("\n### ", 1)[0]
            for condition in alert_conditions(slo, kind):
                if condition.factor is not None:
                    expected = [f"**{number_text(condition.factor)}x**"]
                else:
                    expected = [
                        f"**{number_text(round(threshold * 100, 4))}%**"
                        for threshold in (condition.long_threshold, condition.short_threshold)
                    ]
                for phrase in expected:
                    assert phrase in trigger, f"{alert_name(slo, kind)} in {slo.runbook}: no {phrase} in Trigger"
