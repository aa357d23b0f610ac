"""kubernetes-mesh-workload-certificate-short-lived: the mesh's workload certificates live a day at most.

The mesh's workload certificates are signed by cert-manager's istio-csr (ADR 0012). Every Helm release of its
chart (`cert-manager-istio-csr`) must cap them explicitly: `app.server.maxCertificateDuration` (the longest
certificate istio-csr signs, whatever a proxy asks) at most the ceiling (24 hours), and `app.certmanager.duration`
(what it requests), when set, no longer. A cap left to the chart's default is refused: the default belongs to a
chart version, the cap to us. Durations are Go durations (`24h`, `90m`, `1h30m`). A release whose chart or values
are not known during preview is reported. The ceiling is configurable down, never up.
"""

from __future__ import annotations

import re
from typing import Any

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy

CHART = "cert-manager-istio-csr"
CEILING_HOURS = 24
DURATION = re.compile(r"(\d+(?:\.\d+)?)(h|m|s|ms|us|µs|ns)")
SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9}
LIMITS = (("server", "maxCertificateDuration"), ("certmanager", "duration"))

META = PolicyMeta(
    id="TF-K8S-MESH-002",
    name="kubernetes-mesh-workload-certificate-short-lived",
    description="The mesh's certificate signer (istio-csr) caps workload certificates at 24 hours.",
    severity="high",
    topics=("kubernetes", "encryption-in-transit", "key-management"),
    controls={"SOC2": ("CC6.7",), "ISO27001:2022": ("A.8.24",), "NIST-800-53": ("SC-8", "SC-12")},
    remediation=(
        "Set values app.server.maxCertificateDuration (and app.certmanager.duration) of the istio-csr release "
        "to at most 24h."
    ),
    config_schema={
        "maxWorkloadHours": {
            "type": "integer",
            "minimum": 1,
            "default": CEILING_HOURS,
            "description": f"Longest workload certificate the mesh signs, in hours (ceiling: {CEILING_HOURS}).",
        }
    },
    floors={"maxWorkloadHours": {"ceiling": CEILING_HOURS}},
)


def duration_hours(text: Any) -> float | None:
    """A Go duration (`24h`, `1h30m`) in hours, or None when it is not one."""
    if not isinstance(text, str) or not text or DURATION.sub("", text) != "":
        return None
    return sum(float(amount) * SECONDS[unit] for amount, unit in DURATION.findall(text)) / 3600.0


def _is_istio_csr(chart: Any) -> bool:
    return isinstance(chart, str) and chart.rstrip("/").rsplit("/", 1)[-1] == CHART


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props = args.props
    if is_unknown(props, "chart"):
        report_violation(
            f"Helm release '{args.name}': its chart is not known during preview; name it literally so the mesh's "
            "certificate lifetime can be judged."
        )
        return
    if not _is_istio_csr(get(props, "chart")):
        return
    ceiling = int(args.get_config().get("maxWorkloadHours", CEILING_HOURS))
    for section, key in LIMITS:
        setting = f"app.{section}.{key}"
        if is_unknown(props, "values", "app", section, key):
            report_violation(
                f"Mesh certificate signer '{args.name}': {setting} is not known during preview; set it literally "
                f"(at most {ceiling}h)."
            )
            continue
        value = get(props, "values", "app", section, key)
        if value is None and section == "certmanager":
            continue  # what it requests is capped by the server's maximum
        hours = duration_hours(value)
        if value is None:
            report_violation(
                f"Mesh certificate signer '{args.name}' leaves {setting} to the chart's default; set it to at most "
                f"{ceiling}h."
            )
        elif hours is None:
            report_violation(
                f"Mesh certificate signer '{args.name}' has {setting} {value!r}, not a duration; set it to at most "
                f"{ceiling}h."
            )
        elif hours > ceiling:
            report_violation(
                f"Mesh certificate signer '{args.name}' signs workload certificates for {value} ({setting}), "
                f"longer than {ceiling}h; set it to at most {ceiling}h."
            )


POLICY = resource_policy(META, validate, resource_types=("kubernetes:helm.sh/v3:Release",))
