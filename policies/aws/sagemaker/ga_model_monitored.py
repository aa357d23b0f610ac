"""aws-sagemaker-ga-model-monitored: every GA model family has, in each cell that serves it, a nightly
evaluation schedule, a drift monitor and a drift alarm with an action.

A GA family is a model package group tagged `model-ga: true` (its family in its `model` tag). In the same
jurisdiction (`jurisdiction` tag, own over the provider's default) the stack must declare:

- an EventBridge Scheduler schedule whose target input lists the family (`{"models": [{"name": ...}]}`);
- a SageMaker monitoring schedule tagged with the family;
- a CloudWatch metric alarm tagged with the family with at least one alarm action.

A schedule input or tag not known during preview does not count; a family missing any of the three is a
violation on its group naming what is missing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pulumi_policy import StackValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, stack_policy
from policies.lib.modelops import ALARM, GROUP, MODEL_GA_TAG, MONITOR, SCHEDULE, family_of, tag_text
from policies.lib.tags import jurisdiction_of

META = PolicyMeta(
    id="TF-AWS-SM-005",
    name="aws-sagemaker-ga-model-monitored",
    description=(
        "Every GA model family has an evaluation schedule, a drift monitor and a drift alarm with an action in "
        "each cell that serves it."
    ),
    severity="high",
    topics=("modelops", "monitoring", "processing-integrity"),
    controls={"SOC2": ("PI1.4", "CC7.2", "CC8.1"), "ISO27001:2022": ("A.8.16",), "GDPR": ("Art.22",)},
    remediation=(
        "Declare the family's nightly evaluation schedule, its data-quality monitoring schedule and its drift "
        "alarms (with the cell's alert topic as action) through components/modelops, or mark the group not GA."
    ),
)

Key = tuple[str, str]
"""(jurisdiction, family)."""


def _scheduled(resources: Sequence[Any]) -> set[Key]:
    found: set[Key] = set()
    for schedule in resources:
        if schedule.resource_type != SCHEDULE or is_unknown(schedule.props, "target", "input"):
            continue
        code = jurisdiction_of(schedule)
        try:
            models = json.loads(str(get(schedule.props, "target", "input", default="{}"))).get("models", [])
        except (ValueError, AttributeError):
            continue
        for model in models if isinstance(models, list) else []:
            if isinstance(model, dict) and isinstance(model.get("name"), str) and isinstance(code, str):
                found.add((code, model["name"]))
    return found


def _tagged(resources: Sequence[Any], type_: str, *, with_action: bool = False) -> set[Key]:
    found: set[Key] = set()
    for resource in resources:
        if resource.resource_type != type_:
            continue
        family, code = family_of(resource), jurisdiction_of(resource)
        if family is None or not isinstance(code, str):
            continue
        if with_action and (is_unknown(resource.props, "alarmActions") or not get(resource.props, "alarmActions")):
            continue
        found.add((code, family))
    return found


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    resources = list(args.resources)
    groups = [r for r in resources if r.resource_type == GROUP and tag_text(r, MODEL_GA_TAG) == "true"]
    if not groups:
        return
    scheduled = _scheduled(resources)
    monitored = _tagged(resources, MONITOR)
    alarmed = _tagged(resources, ALARM, with_action=True)
    for group in groups:
        family, code = family_of(group), jurisdiction_of(group)
        if family is None or not isinstance(code, str):
            report_violation(
                f"Model package group '{group.name}' is GA but its model or jurisdiction tag is missing or not "
                "known; tag it with the family and the cell's jurisdiction.",
                group.urn,
            )
            continue
        missing = [
            what
            for what, keys in (
                ("evaluation schedule", scheduled),
                ("drift monitor", monitored),
                ("drift alarm with an action", alarmed),
            )
            if (code, family) not in keys
        ]
        if missing:
            report_violation(
                f"GA model '{family}' ({code}, group '{group.name}') has no {', no '.join(missing)}; "
                "declare it through components/modelops.",
                group.urn,
            )


POLICY = stack_policy(META, validate)
