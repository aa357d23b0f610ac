"""PagerDuty services of one stack: one per domain, paging through the directory's escalation policy, plus the
business-hours service, each with the integrations alerts arrive by.

- `trustfabric-<stack>-<domain>` (ledger, filings, ingestion, security, platform): urgency from the alert's
  severity (critical and error page at once, warning and info notify) or always low (`paging_urgency="low"`,
  dev: never pages at night). Two integrations each: Events API v2 (Alertmanager, Datadog) and Amazon CloudWatch
  (SNS topics deliver to its HTTPS endpoint; it confirms the subscription itself).
- `trustfabric-<stack>-business-hours`: Sev2/Sev3 signals; high urgency during the support hours, low outside,
  and what arrived overnight is raised to high when support hours start.

The integration keys are outputs, secret: `routing_keys` (`sev1` the platform service's Events API v2 key, the
`pagerduty-sev1` receiver of Alertmanager and Datadog's `@pagerduty-trustfabric-sev1`; `business-hours` the
business-hours service's), `cloudwatch_endpoints` (domain -> HTTPS endpoint of its CloudWatch integration) and
`notice_endpoint` (the business-hours service's CloudWatch integration: notices such as a game day starting).

Usage::

    services = OnCallServices(
        "oncall", OnCallServicesArgs(stack="prod", escalation_policy_id=directory.get_output("escalation_policy_id")),
        opts=pulumi.ResourceOptions(provider=pagerduty_provider),
    )
    endpoint = services.cloudwatch_endpoints["security"]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_pagerduty as pagerduty

from components.validation import require_choice, require_non_empty

COMPONENT = "OnCallServices"
DOMAINS = ("ledger", "filings", "ingestion", "security", "platform")
"""The domains a page belongs to: each has its own PagerDuty service."""
SEV1_DOMAIN = "platform"
"""Whose service receives the SLO pages of Alertmanager and Datadog (the SLOs' owner, platform reliability)."""
URGENCIES = {"severity": "severity_based", "low": "low"}
"""`paging_urgency` -> PagerDuty's urgency of the domain services."""
EVENTS_API_V2 = "events_api_v2_inbound_integration"
CLOUDWATCH = "aws_cloudwatch_inbound_integration"
ACKNOWLEDGEMENT_TIMEOUT_SECONDS = "1800"
"""An acknowledged incident nobody resolves pages again after 30 minutes (the Sev1 MTTR target)."""


def cloudwatch_endpoint(integration_key: str) -> str:
    """The HTTPS endpoint an SNS topic delivers to for PagerDuty's Amazon CloudWatch integration."""
    return f"https://events.pagerduty.com/integration/{integration_key}/enqueue"


@dataclass(frozen=True)
class SupportHours:
    """When the business-hours service pages at high urgency."""

    start: str = "09:00"
    end: str = "17:30"
    time_zone: str = "Europe/London"
    days: tuple[int, ...] = (1, 2, 3, 4, 5)
    """ISO weekdays, 1 Monday .. 7 Sunday."""


@dataclass(frozen=True)
class OnCallServicesArgs:
    """Arguments of a stack's PagerDuty services."""

    stack: str
    """The stack the services alert for: in every service's name."""
    escalation_policy_id: pulumi.Input[str]
    """The directory's escalation policy (the `oncall/` program's `escalation_policy_id` output)."""
    domains: Sequence[str] = DOMAINS
    """Which domain services to declare; must include the Sev1 domain (platform)."""
    paging_urgency: str = "severity"
    """`severity` (critical and error page at once) or `low` (notify, never page)."""
    support_hours: SupportHours = field(default_factory=SupportHours)


def validate_args(args: OnCallServicesArgs) -> None:
    require_non_empty(COMPONENT, "domains", args.domains)
    for domain in args.domains:
        require_choice(COMPONENT, "domains", domain, DOMAINS)
    if SEV1_DOMAIN not in args.domains:
        raise ValueError(f"{COMPONENT}: domains: must include {SEV1_DOMAIN!r}, the service Sev1 pages reach")
    require_choice(COMPONENT, "paging_urgency", args.paging_urgency, URGENCIES)
    if not args.support_hours.days or any(not 1 <= day <= 7 for day in args.support_hours.days):
        raise ValueError(f"{COMPONENT}: support_hours.days: {list(args.support_hours.days)!r}; allowed: 1..7")


class OnCallServices(pulumi.ComponentResource):
    """One PagerDuty service per domain and a business-hours service, with their integration keys as secrets."""

    routing_keys: Mapping[str, pulumi.Output[str]]
    cloudwatch_endpoints: Mapping[str, pulumi.Output[str]]
    notice_endpoint: pulumi.Output[str]
    """HTTPS endpoint of the business-hours service's CloudWatch integration: low urgency outside support hours."""

    def __init__(self, name: str, args: OnCallServicesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__(f"trustfabric:oncall:{COMPONENT}", name, None, opts)
        # The keys are credentials: whoever holds one can page the on-call.
        secret_keys = pulumi.ResourceOptions(parent=self, additional_secret_outputs=["integration_key"])
        events: dict[str, pulumi.Output[str]] = {}
        endpoints: dict[str, pulumi.Output[str]] = {}
        for domain in args.domains:
            service = pagerduty.Service(
                f"{name}-{domain}",
                name=f"trustfabric-{args.stack}-{domain}",
                description=f"Trust Fabric {args.stack}: {domain} alerts (runbooks/ links every alert's runbook).",
                escalation_policy=args.escalation_policy_id,
                alert_creation="create_alerts_and_incidents",
                acknowledgement_timeout=ACKNOWLEDGEMENT_TIMEOUT_SECONDS,
                incident_urgency_rule=pagerduty.ServiceIncidentUrgencyRuleArgs(
                    type="constant", urgency=URGENCIES[args.paging_urgency]
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
            events[domain] = pagerduty.ServiceIntegration(
                f"{name}-{domain}-events",
                name="Events API v2",
                service=service.id,
                type=EVENTS_API_V2,
                opts=secret_keys,
            ).integration_key
            cloudwatch = pagerduty.ServiceIntegration(
                f"{name}-{domain}-cloudwatch",
                name="Amazon CloudWatch",
                service=service.id,
                type=CLOUDWATCH,
                opts=secret_keys,
            )
            endpoints[domain] = pulumi.Output.secret(cloudwatch.integration_key.apply(cloudwatch_endpoint))

        hours = args.support_hours
        during = "high" if args.paging_urgency == "severity" else "low"
        business = pagerduty.Service(
            f"{name}-business-hours",
            name=f"trustfabric-{args.stack}-business-hours",
            description=f"Trust Fabric {args.stack}: Sev2 and Sev3 signals, high urgency in support hours only.",
            escalation_policy=args.escalation_policy_id,
            alert_creation="create_alerts_and_incidents",
            acknowledgement_timeout=ACKNOWLEDGEMENT_TIMEOUT_SECONDS,
            support_hours=pagerduty.ServiceSupportHoursArgs(
                type="fixed_time_per_day",
                time_zone=hours.time_zone,
                start_time=f"{hours.start}:00",
                end_time=f"{hours.end}:00",
                days_of_weeks=list(hours.days),
            ),
            incident_urgency_rule=pagerduty.ServiceIncidentUrgencyRuleArgs(
                type="use_support_hours",
                during_support_hours=pagerduty.ServiceIncidentUrgencyRuleDuringSupportHoursArgs(
                    type="constant", urgency=during
                ),
                outside_support_hours=pagerduty.ServiceIncidentUrgencyRuleOutsideSupportHoursArgs(
                    type="constant", urgency="low"
                ),
            ),
            scheduled_actions=[
                pagerduty.ServiceScheduledActionArgs(
                    type="urgency_change",
                    to_urgency=during,
                    ats=[pagerduty.ServiceScheduledActionAtArgs(type="named_time", name="support_hours_start")],
                )
            ],
            opts=pulumi.ResourceOptions(parent=self),
        )
        business_key = pagerduty.ServiceIntegration(
            f"{name}-business-hours-events",
            name="Events API v2",
            service=business.id,
            type=EVENTS_API_V2,
            opts=secret_keys,
        ).integration_key
        # Notices that must reach a person without waking one (a game day starting): SNS delivers to this endpoint.
        business_cloudwatch = pagerduty.ServiceIntegration(
            f"{name}-business-hours-cloudwatch",
            name="Amazon CloudWatch",
            service=business.id,
            type=CLOUDWATCH,
            opts=secret_keys,
        )

        self.routing_keys = {
            "sev1": pulumi.Output.secret(events[SEV1_DOMAIN]),
            "business-hours": pulumi.Output.secret(business_key),
        }
        self.cloudwatch_endpoints = endpoints
        self.notice_endpoint = pulumi.Output.secret(business_cloudwatch.integration_key.apply(cloudwatch_endpoint))
        self.register_outputs(
            {
                "routing_keys": self.routing_keys,
                "cloudwatch_endpoints": self.cloudwatch_endpoints,
                "notice_endpoint": self.notice_endpoint,
            }
        )
