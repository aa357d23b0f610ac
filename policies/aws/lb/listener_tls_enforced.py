"""aws-lb-listener-tls-enforced: load balancer listeners terminate TLS 1.2+ or redirect plain HTTP to HTTPS.

A listener passes when its protocol is HTTPS or TLS with an `ssl_policy` from `allowedSslPolicies` (TLS 1.2 or
later only), or when it is an HTTP listener whose default action redirects to HTTPS. Plain TCP, UDP and
TCP_UDP listeners carry unencrypted traffic as far as the load balancer can show, so they fail; GENEVE
(Gateway Load Balancer) listeners forward packets to appliances and are out of scope.

The config cannot loosen this below TLS 1.2: `allowedSslPolicies` may only list TLS 1.2+ policies (its schema
rejects any other), and a policy outside that set is never accepted even if configured.
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy

TLS_12_SSL_POLICIES = (
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04",
    "ELBSecurityPolicy-FS-1-2-Res-2020-10",
    "ELBSecurityPolicy-FS-1-2-Res-2019-08",
    "ELBSecurityPolicy-FS-1-2-2019-08",
    "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
    "ELBSecurityPolicy-TLS-1-2-2017-01",
)
"""Every ELB security policy that negotiates TLS 1.2 or later only: what the config may choose from."""

DEFAULT_ALLOWED = (
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
)
"""TLS 1.3 with TLS 1.2 fallback on forward-secret AEAD ciphers only (AWS's recommended policies)."""

META = PolicyMeta(
    id="TF-AWS-LB-TLS-001",
    name="aws-lb-listener-tls-enforced",
    description=(
        "Load balancer listeners terminate TLS with an allowed TLS 1.2+ security policy, or redirect plain "
        "HTTP "
        "to HTTPS."
    ),
    severity="high",
    topics=("encryption", "encryption-in-transit"),
    controls={
        "SOC2": ("CC6.7",),
        "ISO27001:2022": ("A.5.14", "A.8.20", "A.8.21", "A.8.24"),
        "GDPR": ("Art.32",),
    },
    remediation=(
        "Use protocol HTTPS (or TLS) with ssl_policy ELBSecurityPolicy-TLS13-1-2-2021-06, or make the HTTP "
        "listener's default action a redirect to HTTPS."
    ),
    config_schema={
        "allowedSslPolicies": {
            "type": "array",
            "items": {"type": "string", "enum": list(TLS_12_SSL_POLICIES)},
            "minItems": 1,
            "uniqueItems": True,
            "default": list(DEFAULT_ALLOWED),
            "description": "ELB security policies HTTPS and TLS listeners may use (TLS 1.2 or later only).",
        }
    },
)

OUT_OF_SCOPE_PROTOCOLS = ("GENEVE",)


def allowed_policies(config: Any) -> tuple[str, ...]:
    """The configured policies that really are TLS 1.2+ (a weaker entry never counts), else the default."""
    configured = config.get("allowedSslPolicies") if config else None
    if not isinstance(configured, (list, tuple)):
        return DEFAULT_ALLOWED
    return tuple(policy for policy in configured if policy in TLS_12_SSL_POLICIES) or DEFAULT_ALLOWED


def _redirects_to_https(args: ResourceValidationArgs) -> bool | None:
    """True when the first default action redirects to HTTPS; None when that is not known during preview."""
    if is_unknown(args.props, "defaultActions"):
        return None
    actions = sorted(get(args.props, "defaultActions", default=[]), key=lambda action: get(action, "order", default=0))
    if not actions:
        return False
    first = actions[0]
    return get(first, "type") == "redirect" and get(first, "redirect", "protocol") == "HTTPS"


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props, name = args.props, args.name
    if is_unknown(props, "protocol"):
        report_violation(f"Listener '{name}': protocol is not known during preview; set it to HTTPS literally.")
        return
    protocol = str(get(props, "protocol", default="HTTP")).upper()  # AWS: an ALB listener defaults to HTTP
    if protocol in OUT_OF_SCOPE_PROTOCOLS:
        return
    if protocol == "HTTP":
        redirects = _redirects_to_https(args)
        if redirects is None:
            report_violation(
                f"Listener '{name}': default_actions are not known during preview; "
                "declare the redirect to HTTPS literally."
            )
        elif not redirects:
            report_violation(
                f"Listener '{name}' serves plain HTTP; use protocol HTTPS with an allowed ssl_policy, "
                "or make its default action a redirect with protocol HTTPS."
            )
        return
    if protocol not in ("HTTPS", "TLS"):
        report_violation(
            f"Listener '{name}' uses unencrypted protocol {protocol}; use protocol TLS with an allowed ssl_policy."
        )
        return
    allowed = allowed_policies(args.get_config())
    if is_unknown(props, "sslPolicy"):
        report_violation(
            f"Listener '{name}': ssl_policy is not known during preview; set it to {allowed[0]} literally."
        )
        return
    ssl_policy = get(props, "sslPolicy")
    if ssl_policy not in allowed:
        current = (
            f"uses ssl_policy {ssl_policy}"
            if ssl_policy
            else "sets no ssl_policy (the default ELBSecurityPolicy-2016-08 allows TLS 1.0)"
        )
        report_violation(f"Listener '{name}' {current}; set ssl_policy to one of {', '.join(allowed)}.")


POLICY = resource_policy(META, validate, resource_types=("aws:lb/listener:Listener", "aws:alb/listener:Listener"))
