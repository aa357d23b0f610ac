"""The Alertmanager configuration for every SLO alert: routes by severity, business hours, inhibition.

sev1 pages at once (`pagerduty-sev1`), sev2 pages in the business hours of the alert's jurisdiction
(`pagerduty-business-hours`), sev3 and anything unmatched becomes a ticket (`ticket-webhook`). A firing page
inhibits the ticket of the same SLO. Secrets are files mounted from the secret store, never config values.

Usage::

    from slogen.alertmanager import alertmanager_config

    config = alertmanager_config()           # an AlertmanagerConfig; `slogen.render.yaml_text(config)` for the file

    amtool check-config build/observability/alertmanager/alertmanager.yml
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NotRequired, TypedDict

from domain.residency import CODES
from slogen.alerts import TICKET_SEVERITY

BUSINESS_HOURS_TIMEZONES: dict[str, str] = {
    "UK": "Europe/London",
    "EU": "Europe/Berlin",
    "US": "America/New_York",
    "CA": "America/Toronto",
}
"""Business hours follow the jurisdiction's on-call team; alerts carry `jurisdiction` as a Prometheus external
label of the cell. Alerts without one use UK hours."""

RECEIVER_PAGE = "pagerduty-sev1"
RECEIVER_BUSINESS_HOURS = "pagerduty-business-hours"
RECEIVER_TICKET = "ticket-webhook"


ROUTING_KEYS_SECRET = "pagerduty-routing-keys"
"""The Kubernetes Secret holding the PagerDuty routing keys, synced from the cell's Vault; the operator mounts each
Secret Alertmanager lists at `<secrets_dir>/<secret name>/`, one file per key."""
TICKET_BRIDGE_SECRET = "ticket-bridge-token"
"""The Kubernetes Secret holding the ticket bridge's bearer token (key `TICKET_BRIDGE_TOKEN_KEY`), synced from the
cell's Vault like the routing keys; the bridge reads the same Secret to check the token."""
TICKET_BRIDGE_TOKEN_KEY = "token"
MOUNTED_SECRETS = (ROUTING_KEYS_SECRET, TICKET_BRIDGE_SECRET)
"""Every Secret the generated configuration reads files from: Alertmanager must list (mount) each of them."""


@dataclass(frozen=True)
class AlertmanagerSettings:
    """Where the generated Alertmanager config finds its secrets and the ticket bridge."""

    secrets_dir: str = "/etc/alertmanager/secrets"
    """Mounted from the secret store; holds the PagerDuty routing keys and the ticket bridge token."""
    ticket_webhook_url: str = "http://ticket-bridge.observability.svc.cluster.local:8080/v1/alerts"
    """The in-cluster bridge that opens (and closes) tickets; authenticated with a bearer token file."""
    business_hours_start: str = "09:00"
    business_hours_end: str = "17:30"


class Route(TypedDict):
    receiver: str
    matchers: NotRequired[list[str]]
    group_by: NotRequired[list[str]]
    group_wait: NotRequired[str]
    group_interval: NotRequired[str]
    repeat_interval: NotRequired[str]
    active_time_intervals: NotRequired[list[str]]
    routes: NotRequired[list[Route]]


class InhibitRule(TypedDict):
    source_matchers: list[str]
    target_matchers: list[str]
    equal: list[str]


class Link(TypedDict):
    href: str
    text: str


class PagerdutyConfig(TypedDict):
    routing_key_file: str
    severity: str
    send_resolved: bool
    links: list[Link]


class WebhookConfig(TypedDict):
    url: str
    send_resolved: bool
    http_config: dict[str, dict[str, str]]


class Receiver(TypedDict):
    name: str
    pagerduty_configs: NotRequired[list[PagerdutyConfig]]
    webhook_configs: NotRequired[list[WebhookConfig]]


class TimeRange(TypedDict):
    start_time: str
    end_time: str


class TimeInterval(TypedDict):
    weekdays: list[str]
    times: list[TimeRange]
    location: str


class NamedTimeIntervals(TypedDict):
    name: str
    time_intervals: list[TimeInterval]


AlertmanagerConfig = TypedDict(
    "AlertmanagerConfig",
    {
        "global": dict[str, str],
        "route": Route,
        "inhibit_rules": list[InhibitRule],
        "receivers": list[Receiver],
        "time_intervals": list[NamedTimeIntervals],
    },
)
"""An Alertmanager configuration file (`global` is a Python keyword, hence the functional form)."""


def interval_name(code: str) -> str:
    """The time interval of a jurisdiction's business hours, e.g. `business-hours-uk`."""
    return f"business-hours-{code.lower()}"


def _routes(business_children: list[Route]) -> list[Route]:
    return [
        {
            "receiver": RECEIVER_PAGE,
            "matchers": ['severity="sev1"'],
            "group_wait": "10s",
            "group_interval": "1m",
            "repeat_interval": "30m",
        },
        {
            "receiver": RECEIVER_BUSINESS_HOURS,
            "matchers": ['severity="sev2"'],
            "group_wait": "30s",
            "group_interval": "5m",
            "repeat_interval": "2h",
            "active_time_intervals": [interval_name("UK")],
            "routes": business_children,
        },
        {
            "receiver": RECEIVER_TICKET,
            "matchers": ['severity="sev3"'],
            "group_wait": "5m",
            "group_interval": "30m",
            "repeat_interval": "24h",
        },
    ]


def _receivers(settings: AlertmanagerSettings) -> list[Receiver]:
    link: Link = {"href": "{{ (index .Alerts 0).Annotations.runbook_url }}", "text": "runbook"}
    return [
        {
            "name": RECEIVER_PAGE,
            "pagerduty_configs": [
                {
                    "routing_key_file": f"{settings.secrets_dir}/{ROUTING_KEYS_SECRET}/pagerduty-sev1-routing-key",
                    "severity": "critical",
                    "send_resolved": True,
                    "links": [link],
                }
            ],
        },
        {
            "name": RECEIVER_BUSINESS_HOURS,
            "pagerduty_configs": [
                {
                    "routing_key_file": f"{settings.secrets_dir}/{ROUTING_KEYS_SECRET}/pagerduty-business-hours-routing-key",
                    "severity": "error",
                    "send_resolved": True,
                    "links": [link],
                }
            ],
        },
        {
            "name": RECEIVER_TICKET,
            "webhook_configs": [
                {
                    "url": settings.ticket_webhook_url,
                    "send_resolved": True,
                    "http_config": {
                        "authorization": {
                            "credentials_file": f"{settings.secrets_dir}/{TICKET_BRIDGE_SECRET}/{TICKET_BRIDGE_TOKEN_KEY}"
                        }
                    },
                }
            ],
        },
    ]


def alertmanager_config(settings: AlertmanagerSettings | None = None) -> AlertmanagerConfig:
    """Routes by severity, business-hours windows per jurisdiction, and the page-silences-ticket inhibition."""
    settings = settings or AlertmanagerSettings()
    missing = [code for code in CODES if code not in BUSINESS_HOURS_TIMEZONES]
    if missing:
        raise ValueError(f"alertmanager: business hours: no time zone for jurisdiction {', '.join(missing)}")
    business_children: list[Route] = [
        {
            "receiver": RECEIVER_BUSINESS_HOURS,
            "matchers": [f'jurisdiction="{code}"'],
            "active_time_intervals": [interval_name(code)],
        }
        for code in CODES
    ]
    return {
        "global": {"resolve_timeout": "5m"},
        "route": {
            "receiver": RECEIVER_TICKET,
            "group_by": ["alertname", "slo", "service"],
            "group_wait": "30s",
            "group_interval": "5m",
            "repeat_interval": "12h",
            "routes": _routes(business_children),
        },
        "inhibit_rules": [
            {
                "source_matchers": [f'severity="{source}"'],
                "target_matchers": [f'severity="{TICKET_SEVERITY}"'],
                "equal": ["slo", "service"],
            }
            for source in ("sev1", "sev2")
        ],
        "receivers": _receivers(settings),
        "time_intervals": [
            {
                "name": interval_name(code),
                "time_intervals": [
                    {
                        "weekdays": ["monday:friday"],
                        "times": [
                            {
                                "start_time": settings.business_hours_start,
                                "end_time": settings.business_hours_end,
                            }
                        ],
                        "location": BUSINESS_HOURS_TIMEZONES[code],
                    }
                ],
            }
            for code in CODES
        ],
    }
