"""What the ModelOps policies share: the tags that join a model family's resources (the same keys as
`domain.tags.MODEL`, `MODEL_GA`, `MODELOPS_STORE`; tests/policies/aws/sagemaker checks they agree), and how a
stack policy reads them.

Usage::

    from policies.lib.modelops import MODEL_TAG, family_of

    family = family_of(resource)   # "tax-computation", or None
"""

from __future__ import annotations

from typing import Any

from policies.lib.tags import UNKNOWN_TAG, tag_value

MODEL_TAG = "model"
MODEL_GA_TAG = "model-ga"
STORE_TAG = "modelops-store"

GROUP = "aws:sagemaker/modelPackageGroup:ModelPackageGroup"
GROUP_POLICY = "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy"
SCHEDULE = "aws:scheduler/schedule:Schedule"
MONITOR = "aws:sagemaker/monitoringSchedule:MonitoringSchedule"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def tag_text(resource: Any, key: str) -> str | None:
    """A tag's effective value as text; None when absent or not known during preview."""
    value = tag_value(resource, key)
    if value is None or value is UNKNOWN_TAG:
        return None
    return str(value).strip()


def family_of(resource: Any) -> str | None:
    """The model family a resource belongs to (its `model` tag)."""
    return tag_text(resource, MODEL_TAG)
