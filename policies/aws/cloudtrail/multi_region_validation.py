"""aws-cloudtrail-multi-region-validation: every CloudTrail trail covers all regions and validates its log files.

`is_multi_region_trail` and `enable_log_file_validation` both default to false, so a trail must set both: a
single-region trail misses activity in other regions, and without digest validation tampering with delivered logs
cannot be detected. Each missing setting is its own violation; a value not known during preview is reported.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, resource_policy
from policies.lib.checks import require_true

META = PolicyMeta(
    id="TF-AWS-CT-001",
    name="aws-cloudtrail-multi-region-validation",
    description="Every CloudTrail trail is multi-region and has log file integrity validation enabled.",
    severity="high",
    topics=("logging", "audit", "integrity"),
    controls={
        "SOC2": ("CC7.2", "CC7.3"),
        "ISO27001:2022": ("A.8.15", "A.8.16"),
        "GDPR": ("Art.30", "Art.32"),
        "CIS-AWS-3.0": ("3.1", "3.2"),
    },
    remediation="Set is_multi_region_trail=True and enable_log_file_validation=True on the aws.cloudtrail.Trail.",
)

SETTINGS = (
    ("isMultiRegionTrail", "is_multi_region_trail", "records only its own region"),
    ("enableLogFileValidation", "enable_log_file_validation", "does not validate its log files"),
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    for key, argument, problem in SETTINGS:
        require_true(args, report_violation, kind="CloudTrail trail", path=(key,), argument=argument, problem=problem)


POLICY = resource_policy(META, validate, resource_types=("aws:cloudtrail/trail:Trail",))
