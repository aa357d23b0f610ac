"""aws-scheduler-game-day-outside-blackout: a schedule that starts FIS experiments never runs inside a blackout
window its schedule group declares.

The stacks plan game days around each jurisdiction's filing deadlines (`gameDays` settings) and record the windows
on the game days' schedule group, tag `game-day-blackouts` (`MM-DD/MM-DD ...` or `none`). This stack policy reads
every schedule that starts FIS experiments, finds its group (by `group_name`), and checks each day its expression
runs on (in the schedule's own time zone) against the group's windows. A schedule outside such a group, a group
without the tag, or an expression this reader cannot time (`policies.lib.game_days.run_days`) is reported: it
cannot be proven to stay out of a filing deadline. A value unknown in preview is reported too, never passed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pulumi_policy import StackValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, stack_policy
from policies.lib.game_days import BLACKOUT_TAG, inside, label, parse_windows, run_days, starts_fis_experiment

SCHEDULE = "aws:scheduler/schedule:Schedule"
GROUP = "aws:scheduler/scheduleGroup:ScheduleGroup"
META = PolicyMeta(
    id="TF-AWS-SCHEDULER-002",
    name="aws-scheduler-game-day-outside-blackout",
    description="Every EventBridge Scheduler schedule that starts FIS experiments runs only outside the blackout "
    "windows its schedule group declares (tag game-day-blackouts).",
    severity="high",
    topics=("resilience", "chaos-engineering", "change-management"),
    controls={"SOC2": ("A1.2", "A1.3"), "ISO27001:2022": ("A.5.30",), "NIST-800-53": ("CP-4",)},
    remediation="Plan the game days with stacks/settings_game_days.py (cron(M H D months ? *) outside every window) "
    "and put the schedule in the cell's game-day schedule group.",
)


def _group_windows(groups: dict[str, Any], schedule: Any) -> tuple[list[Any] | None, str]:
    """The windows of the schedule's group, or None and why not."""
    props = schedule.props
    if is_unknown(props, "groupName"):
        return None, "its group_name is not known during preview"
    name = get(props, "groupName")
    group = groups.get(name) if isinstance(name, str) else None
    if group is None:
        return None, f"its schedule group {name or 'default'!r} declares no blackout windows in this stack"
    if is_unknown(group.props, "tags"):
        return None, f"the tags of schedule group {name!r} are not known during preview"
    windows = parse_windows(get(group.props, "tags", BLACKOUT_TAG))
    if windows is None:
        return None, f"schedule group {name!r} has no readable {BLACKOUT_TAG} tag"
    return windows, ""


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    resources: Sequence[Any] = list(args.resources)
    groups = {
        get(r.props, "name"): r
        for r in resources
        if r.resource_type == GROUP and not is_unknown(r.props, "name") and get(r.props, "name")
    }
    for schedule in resources:
        if schedule.resource_type != SCHEDULE:
            continue
        props = schedule.props
        if is_unknown(props, "target", "arn") or not starts_fis_experiment(get(props, "target", "arn")):
            continue
        windows, why = _group_windows(groups, schedule)
        if windows is None:
            report_violation(
                f"Scheduler schedule '{schedule.name}' starts FIS experiments but {why}; it cannot be proven to "
                "stay out of the filing blackouts.",
                schedule.urn,
            )
            continue
        if is_unknown(props, "scheduleExpression"):
            report_violation(
                f"Scheduler schedule '{schedule.name}': its expression is not known during preview; set it literally.",
                schedule.urn,
            )
            continue
        expression = get(props, "scheduleExpression")
        days = run_days(expression)
        if days is None:
            report_violation(
                f"Scheduler schedule '{schedule.name}' runs on {expression!r}, which cannot be proven to stay out of "
                "the blackout windows; use cron(M H D months ? *) or at(...).",
                schedule.urn,
            )
            continue
        hits = [
            f"{month:02d}-{day:02d} (inside {label(window)})"
            for month, day in days
            for window in windows
            if inside(window, (month, day))
        ]
        if hits:
            report_violation(
                f"Scheduler schedule '{schedule.name}' starts FIS experiments on {', '.join(hits)}, a filing "
                "blackout; move the game day out of the window.",
                schedule.urn,
            )


POLICY = stack_policy(META, validate)
