"""aws-acmpca-certificate-validity-bounded: certificates a private CA issues live no longer than their kind allows.

Every `aws.acmpca.Certificate` declares a relative validity (DAYS, MONTHS or YEARS) within the ceiling of its kind,
read from its template: a root CA certificate (`RootCACertificate`) at most 10 years, a subordinate CA certificate
(`SubordinateCACertificate*`) at most 5 years, any other certificate (end-entity, the default template) at most
397 days (13 months, the public-TLS ceiling; the mesh's workload certificates live 24 hours, judged by
kubernetes-mesh-workload-certificate-short-lived). Lengths convert at the Gregorian averages (365.2425 days a year,
30.436875 a month), so `YEARS 10` is 3652.4 days. An absolute end date (ABSOLUTE, END_DATE) cannot be judged
against the issuance time and is refused. A validity not known during preview is reported; a template not known
is judged by the strictest (end-entity) ceiling. The ceilings are configurable down, never up (config ceilings).
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy

DAYS_PER_UNIT = {"DAYS": 1.0, "MONTHS": 30.436875, "YEARS": 365.2425}
CEILINGS = {"maxRootDays": 3653, "maxSubordinateDays": 1827, "maxEndEntityDays": 397}
KINDS = {"maxRootDays": "root CA", "maxSubordinateDays": "subordinate CA", "maxEndEntityDays": "end-entity"}

META = PolicyMeta(
    id="TF-AWS-PCA-002",
    name="aws-acmpca-certificate-validity-bounded",
    description=(
        "Certificates issued by an AWS Private CA have a relative validity within their kind's ceiling "
        "(root 10 years, subordinate 5 years, end-entity 397 days)."
    ),
    severity="high",
    topics=("encryption-in-transit", "key-management"),
    controls={"SOC2": ("CC6.1", "CC6.7"), "ISO27001:2022": ("A.8.24",), "NIST-800-53": ("SC-12",)},
    remediation=(
        "Set the certificate's validity to DAYS, MONTHS or YEARS within its kind's ceiling (root 10 years, "
        "subordinate 5 years, end-entity 397 days)."
    ),
    config_schema={
        prop: {
            "type": "integer",
            "minimum": 1,
            "default": days,
            "description": f"Longest validity of a {KINDS[prop]} certificate, in days (ceiling: {days}).",
        }
        for prop, days in CEILINGS.items()
    },
    floors={prop: {"ceiling": days} for prop, days in CEILINGS.items()},
)


def ceiling_key(template_arn: Any) -> str:
    """Which ceiling applies: by the template's name; the end-entity one when there is none or it is unknown."""
    if isinstance(template_arn, str):
        template = template_arn.rsplit("/", 2)[-2] if template_arn.count("/") >= 2 else template_arn
        if template.startswith("RootCACertificate"):
            return "maxRootDays"
        if template.startswith("SubordinateCACertificate"):
            return "maxSubordinateDays"
    return "maxEndEntityDays"


def validity_days(validity_type: Any, value: Any) -> float | None:
    """The validity in days, or None when it is not a relative length."""
    if validity_type not in DAYS_PER_UNIT:
        return None
    try:
        amount = float(value)
    except (TypeError, ValueError):
        return None
    return amount * DAYS_PER_UNIT[validity_type]


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props = args.props
    key = ceiling_key(None if is_unknown(props, "templateArn") else get(props, "templateArn"))
    ceiling = int(args.get_config().get(key, CEILINGS[key]))
    kind = KINDS[key]
    if is_unknown(props, "validity"):
        report_violation(
            f"Private CA certificate '{args.name}': its validity is not known during preview; set it literally "
            f"(at most {ceiling} days for a {kind} certificate)."
        )
        return
    validity_type, value = get(props, "validity", "type"), get(props, "validity", "value")
    days = validity_days(validity_type, value)
    if days is None:
        report_violation(
            f"Private CA certificate '{args.name}' has validity {validity_type} {value}, not a relative length; "
            f"set validity type DAYS, MONTHS or YEARS, at most {ceiling} days for a {kind} certificate."
        )
        return
    if days > ceiling:
        report_violation(
            f"Private CA certificate '{args.name}' is valid for {validity_type} {value} ({days:.0f} days), longer "
            f"than {ceiling} days for a {kind} certificate; shorten its validity."
        )


POLICY = resource_policy(META, validate, resource_types=("aws:acmpca/certificate:Certificate",))
