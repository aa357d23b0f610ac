"""The on-call layer of a stack: its PagerDuty services, and per cell the alerts that page them.

Who is paged (people, schedules, the escalation policy) is the `oncall/` program's: this stack reads the
escalation policy's id from that program's stack (`trust-fabric:oncall.directoryStack`) and declares, once per
stack, one PagerDuty service per domain and the business-hours service (`components.oncall.services`). Each
cell then subscribes its security-alerts topic to the security service and declares the rules and alarms of
the table below, each publishing to the topic of its domain (`components.oncall.cell_paging`):

===============================  ========  ================  =================================================
alert                            domain    stacks            runbook
===============================  ========  ================  =================================================
backup-job-failed                platform  every             runbooks/backup-job-failed.md
secret-rotation-failed           security  every             runbooks/secret-rotation-failed.md
config-delivery-failed           security  every (*)         runbooks/config-delivery-failed.md
cloudtrail-s3-delivery-stopped   security  every (**)        runbooks/cloudtrail-delivery-failed.md
cloudtrail-logs-delivery-stopped security  every (**)        runbooks/cloudtrail-delivery-failed.md
ledger-table-replication-lag     ledger    prod (paired)     runbooks/ledger-replication-lag.md
ledger-global-replication-lag    ledger    dr (standby)      runbooks/ledger-replication-lag.md
records-replication-failed       platform  prod (paired)     runbooks/records-replication-failed.md
records-replication-late         platform  prod (paired)     runbooks/records-replication-failed.md
<service>-health-check-failed    platform  us-east-1 (***)   runbooks/route53-health-check-failed.md
<service>-health-check-failed    platform  prod (****)       runbooks/route53-health-check-failed.md
dnssec-internal-failure          security  us-east-1 (***)   runbooks/dnssec-failure.md
dnssec-ksk-needs-action          security  us-east-1 (***)   runbooks/dnssec-failure.md
===============================  ========  ================  =================================================

The evidence store's backups run in the audit account, whose events no rule of this table sees: the store pages
the same platform service from there, with the same rule (`components/security/evidence_store.py`, ADR 0016).

(*) only in the cell that owns its region's AWS Config recorder (dr has two cells in eu-west-1).
(**) only in the cell that declares the stack's trail (its first cell).
(***) Route53 publishes health-check and DNSSEC metrics only in us-east-1, and an alarm lives in its metric's
region; only a cell whose own region is us-east-1 (prod's US cell, which also signs its zone) can alarm on
them without putting a resource outside its jurisdiction's regions (`aws-governance-resource-region-in-
jurisdiction`).
(****) every stack's cells outside us-east-1 (all of dr's, dev's one) page on the same endpoint from inside their
jurisdiction instead: a Datadog synthetic API test (not an alarm) per health-checked service, run from Datadog's
managed locations in the jurisdiction's allowed regions (`components.oncall.health_probes`), through the cell's
own Datadog provider, paging the stack's platform service through Datadog's PagerDuty integration
(`probe_notify`): prod's `@pagerduty-trustfabric-sev1` (the service object prod keys with its platform service's
Events API v2 key, `stacks/observability.py`), dr's `@pagerduty-trustfabric-dr-sev1` and dev's
`@pagerduty-trustfabric-dev-sev1` (the service objects those stacks declare here, `declare_probe_handles`, keyed
with their own platform service's key; dev's service is low urgency). Each probe depends on its handle's service
object, so a first deploy never creates a test that names a handle Datadog does not know yet. Datadog's PagerDuty
integration itself is account-wide and declared by prod only (docs/adr/0011-on-call-as-code.md).

The model pipelines' alert topic (`stacks/modelops.py`, when the cell serves models) is subscribed to the
platform service. The ModelOps and dataset stores' replication alarms (prod) are declared here too, defined in
`stacks/store_alarms.py`.

The integration keys leave as secret stack outputs (`pagerduty_routing_keys`, for Datadog's PagerDuty
integration) and are written into each cell's Vault KV (`kv/observability/pagerduty-routing-keys`), one entry
per routing key file Alertmanager's `pagerduty-sev1` and `pagerduty-business-hours` receivers read
(`runbooks/pagerduty-routing-keys.md`); no key is made by hand. The bearer token of Alertmanager's ticket receiver
is drawn by the cell's Vault and kept beside them (`kv/observability/ticket-bridge-token`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

import pulumi
import pulumi_pagerduty as pagerduty
import pulumi_vault as vault

from components.oncall.cell_paging import BACKUP_FAILED, CellPaging, CellPagingArgs, EventAlert, MetricAlert
from components.oncall.health_probes import HealthProbes, HealthProbesArgs
from components.oncall.services import OnCallServices, OnCallServicesArgs, SupportHours
from components.resilience.failover_routing import ROUTE53_CONTROL_REGION
from domain.naming import (
    cloudtrail_log_group_name,
    cluster_identifier,
    ledger_table_name,
    regional_endpoint,
    trail_topic_name,
)
from slogen.alertmanager import RECEIVER_BUSINESS_HOURS, RECEIVER_PAGE, TICKET_BRIDGE_TOKEN_KEY, alertmanager_config
from slogen.datadog import DATADOG_NOTIFY
from stacks.context import CellContext
from stacks.key_users import is_paired
from stacks.resilience import ResilienceOutputs, zone_name
from stacks.security import SecurityOutputs
from stacks.settings import PRIMARY_STACK, StackSettings, deployment
from stacks.store_alarms import replication_alarms

if TYPE_CHECKING:
    import pulumi_datadog as datadog

REPLICATION_LAG_MILLISECONDS = 60_000.0
"""Ledger replication lag that pages: a minute behind for five minutes puts the tier-0 RPO at risk."""

ROTATION_FAILED = EventAlert(
    name="secret-rotation-failed",
    domain="security",
    runbook="runbooks/secret-rotation-failed.md",
    description="Secrets Manager could not rotate a secret of the cell",
    pattern={
        "source": ["aws.secretsmanager"],
        "detail-type": ["AWS Service Event via CloudTrail"],
        "detail": {"eventSource": ["secretsmanager.amazonaws.com"], "eventName": ["RotationFailed"]},
    },
)

CONFIG_DELIVERY_FAILED = EventAlert(
    name="config-delivery-failed",
    domain="security",
    runbook="runbooks/config-delivery-failed.md",
    description="AWS Config could not deliver a configuration snapshot or history file to the audit bucket",
    pattern={
        "source": ["aws.config"],
        "detail-type": [
            "Config Configuration Snapshot Delivery Status",
            "Config Configuration History Delivery Status",
        ],
        "detail": {"messageType": ["ConfigurationSnapshotDeliveryFailed", "ConfigurationHistoryDeliveryFailed"]},
    },
)
"""Declared by the cell that owns its region's Config recorder (`stacks/security.py`), so a failure pages once."""

TRAIL_SILENCE_SECONDS = 900
"""CloudTrail delivers a log file about every 5 minutes while the account acts: 15 silent minutes page."""


def trail_alarms(stack: str, cell: str) -> list[MetricAlert]:
    """CloudTrail emits no event when it cannot deliver: the trail's two deliveries going silent is the signal.

    S3: CloudTrail announces every log file it writes to the audit bucket on the trail's topic, so no message
    published for 15 minutes means no log file delivered. CloudWatch Logs: no event arriving in the trail's log
    group for 15 minutes. Missing data is breaching: silence is the failure.
    """

    def silent(name: str, description: str, namespace: str, metric: str, dimension: tuple[str, str]) -> MetricAlert:
        return MetricAlert(
            name=name,
            domain="security",
            runbook="runbooks/cloudtrail-delivery-failed.md",
            description=description,
            namespace=namespace,
            metric_name=metric,
            dimensions=dict([dimension]),
            threshold=1.0,
            statistic="Sum",
            period_seconds=300,
            evaluation_periods=TRAIL_SILENCE_SECONDS // 300,
            comparison="LessThanThreshold",
            treat_missing_data="breaching",
        )

    return [
        silent(
            "cloudtrail-s3-delivery-stopped",
            "The stack's trail has announced no log file delivered to the audit bucket for 15 minutes",
            "AWS/SNS",
            "NumberOfMessagesPublished",
            ("TopicName", trail_topic_name(stack)),
        ),
        silent(
            "cloudtrail-logs-delivery-stopped",
            "The stack's trail has delivered no event to its CloudWatch log group for 15 minutes",
            "AWS/Logs",
            "IncomingLogEvents",
            ("LogGroupName", cloudtrail_log_group_name(stack, cell)),
        ),
    ]


def records_replication_alarms(dimensions: Mapping[str, pulumi.Input[str]]) -> list[MetricAlert]:
    """The records bucket's replication to the paired region: any failed operation, or objects later than RTC."""
    return replication_alarms("records", "records bucket", dimensions, runbook="runbooks/records-replication-failed.md")


def route53_alarms(
    health_check_ids: Mapping[str, pulumi.Input[str]], signed_zone_id: pulumi.Input[str] | None
) -> list[MetricAlert]:
    """Failover records' health checks (unhealthy for two minutes) and the signed zone's DNSSEC (any failure,
    any key-signing key needing action: validating resolvers would answer SERVFAIL for the whole zone)."""
    alarms = [
        MetricAlert(
            name=f"{service}-health-check-failed",
            domain="platform",
            runbook="runbooks/route53-health-check-failed.md",
            description=f"Route53's health checkers find the {service} endpoint of the cell's region unhealthy",
            namespace="AWS/Route53",
            metric_name="HealthCheckStatus",
            dimensions={"HealthCheckId": check_id},
            threshold=1.0,
            statistic="Minimum",
            evaluation_periods=2,
            comparison="LessThanThreshold",
            treat_missing_data="breaching",
        )
        for service, check_id in sorted(health_check_ids.items())
    ]
    if signed_zone_id is not None:
        for name, metric, what in (
            ("dnssec-internal-failure", "DNSSECInternalFailure", "Route53 cannot sign the cell's zone (DNSSEC)"),
            (
                "dnssec-ksk-needs-action",
                "DNSSECKeySigningKeysNeedingAction",
                "A key-signing key of the cell's zone needs action (its KMS key disabled, deleted or not usable)",
            ),
        ):
            alarms.append(
                MetricAlert(
                    name=name,
                    domain="security",
                    runbook="runbooks/dnssec-failure.md",
                    description=what,
                    namespace="AWS/Route53",
                    metric_name=metric,
                    dimensions={"HostedZoneId": signed_zone_id},
                    threshold=0.0,
                    evaluation_periods=1,
                )
            )
    return alarms


HEALTH_PROBE_NOTIFY = DATADOG_NOTIFY["sev1"]
"""The Datadog handle prod's health probes page: the service object keyed with the platform service's Events API
v2 key, the service the US cell's health-check alarm pages too."""
PROBE_HANDLE_KEY = "sev1"
"""The routing key (`OnCallServices.routing_keys`) behind every stack's probe handle: its platform service's."""


def probe_notify(settings: StackSettings) -> str:
    """The `@pagerduty-<service>` handle the stack's health probes page: prod's Sev1 handle, or the stack's own
    (`@pagerduty-trustfabric-<stack>-sev1`), whose service object `declare_probe_handles` declares. dr keeps its
    own even though it takes prod's traffic on failover: its probes then watch the endpoints that serve, and a
    page reaches the stack whose state (`pulumi up -s dr`) the responder changes, beside dr's own alarms."""
    if settings.stack == PRIMARY_STACK:
        return HEALTH_PROBE_NOTIFY
    return f"@pagerduty-trustfabric-{settings.stack}-{PROBE_HANDLE_KEY}"


def probes_health(ctx: CellContext) -> bool:
    """Whether the cell pages on its health checks through Datadog: every cell whose region is not us-east-1 and
    that has health checks (in us-east-1 a CloudWatch alarm pages)."""
    return ctx.cell.region != ROUTE53_CONTROL_REGION


def declare_probe_handles(
    settings: StackSettings, services: OnCallServices
) -> dict[str, datadog.pagerduty.ServiceObject]:
    """A stack other than prod: the Datadog PagerDuty service object its health probes page (`probe_notify`),
    keyed with its own platform service's Events API v2 key, through a Datadog provider of its own. Returns
    handle -> service object; empty for prod (its objects are the observability layer's) and for a stack with
    no cell outside us-east-1. Datadog's PagerDuty integration is account-wide and prod's: deploy prod first."""
    import pulumi_datadog as datadog  # about 10 s of CPU: only when the program runs

    if settings.stack == PRIMARY_STACK or all(cell.region == ROUTE53_CONTROL_REGION for cell in settings.cells):
        return {}
    provider = datadog.Provider("oncall-datadog", api_url=f"https://api.{settings.observability.datadog_site}/")
    handle = probe_notify(settings)
    service_object = datadog.pagerduty.ServiceObject(
        f"oncall-datadog-pagerduty-{PROBE_HANDLE_KEY}",
        service_name=handle.removeprefix("@pagerduty-"),
        service_key=services.routing_keys[PROBE_HANDLE_KEY],  # a secret output already
        opts=pulumi.ResourceOptions(provider=provider),
    )
    return {handle: service_object}


def declare_health_probes(
    ctx: CellContext, resilience: ResilienceOutputs, handles: Mapping[str, pulumi.Resource]
) -> HealthProbes:
    """The cell's Datadog probes of the endpoints its Route53 health checks probe, with the cell's own Datadog
    provider (Datadog is one account; the provider names no region of the cell). `handles`: the Datadog service
    objects this stack declares, by handle; the probes depend on the one they page."""
    import pulumi_datadog as datadog

    provider = datadog.Provider(
        f"{ctx.name}-probes-datadog",
        api_url=f"https://api.{ctx.settings.observability.datadog_site}/",
        opts=pulumi.ResourceOptions(parent=ctx.parent),
    )
    zone = zone_name(ctx.settings, ctx.name)
    notify = probe_notify(ctx.settings)
    return HealthProbes(
        f"{ctx.name}-health-probes",
        HealthProbesArgs(
            stack=ctx.settings.stack,
            cell=ctx.name,
            jurisdiction=ctx.cell.code,
            region=ctx.cell.region,
            endpoints={
                service: regional_endpoint(service, ctx.cell.region, zone) for service in resilience.health_check_ids
            },
            notify=notify,
            notify_service_object=handles.get(notify),
        ),
        opts=pulumi.ResourceOptions(parent=ctx.parent, provider=provider),
    )


def directory_stack_name(settings: StackSettings) -> str:
    """`[org/]project/stack` of the directory, with this stack's organization when none is given."""
    name = settings.oncall.directory_stack
    return name if name.count("/") == 2 else f"{pulumi.get_organization()}/{name}"


def declare_services(settings: StackSettings) -> OnCallServices:
    """The stack's PagerDuty services, through a PagerDuty provider (its token: PAGERDUTY_TOKEN at deploy time)."""
    directory = pulumi.StackReference("oncall-directory", stack_name=directory_stack_name(settings))
    provider = pagerduty.Provider("pagerduty")
    hours = settings.oncall.business_hours
    services = OnCallServices(
        "oncall",
        OnCallServicesArgs(
            stack=settings.stack,
            escalation_policy_id=directory.get_output("escalation_policy_id"),
            paging_urgency=settings.oncall.paging_urgency,
            support_hours=SupportHours(start=hours.start, end=hours.end, time_zone=hours.time_zone, days=hours.days),
        ),
        opts=pulumi.ResourceOptions(provider=provider),
    )
    pulumi.export("pagerduty_routing_keys", services.routing_keys)
    return services


def cell_alerts(
    ctx: CellContext, resilience: ResilienceOutputs
) -> tuple[tuple[EventAlert, ...], tuple[MetricAlert, ...]]:
    """The rules and alarms of the cell (the table in the module docstring)."""
    settings, cell = ctx.settings, ctx.cell
    name = deployment(settings)
    alarms: list[MetricAlert] = []
    if settings.is_standby_footprint:
        alarms.append(
            MetricAlert(
                name="ledger-global-replication-lag",
                domain="ledger",
                runbook="runbooks/ledger-replication-lag.md",
                description="The ledger's Aurora secondary cluster lags its global database's primary",
                namespace="AWS/RDS",
                metric_name="AuroraGlobalDBReplicationLag",
                dimensions={"DBClusterIdentifier": cluster_identifier(name, ctx.name, cell.region)},
                threshold=REPLICATION_LAG_MILLISECONDS,
            )
        )
    elif is_paired(settings):
        alarms.append(
            MetricAlert(
                name="ledger-table-replication-lag",
                domain="ledger",
                runbook="runbooks/ledger-replication-lag.md",
                description="The ledger table's replica in the paired region lags its writes",
                namespace="AWS/DynamoDB",
                metric_name="ReplicationLatency",
                dimensions={"TableName": ledger_table_name(name, ctx.name), "ReceivingRegion": cell.paired_region},
                statistic="Average",
                threshold=REPLICATION_LAG_MILLISECONDS,
            )
        )
    if resilience.records_replication is not None:
        alarms.extend(records_replication_alarms(resilience.records_replication))
    if settings.cells[0] == cell:  # the cell that declares the stack's trail (stacks/security.py)
        alarms.extend(trail_alarms(settings.stack, ctx.name))
    if cell.region == ROUTE53_CONTROL_REGION:
        alarms.extend(route53_alarms(resilience.health_check_ids, resilience.signed_zone_id))
    rules = [BACKUP_FAILED, ROTATION_FAILED]
    if next(c for c in settings.cells if c.region == cell.region) == cell:
        rules.append(CONFIG_DELIVERY_FAILED)
    return tuple(rules), tuple(alarms)


def routing_key_files() -> dict[str, str]:
    """Receiver -> the file name Alertmanager reads its PagerDuty routing key from (`slogen.alertmanager`)."""
    files = {}
    for receiver in alertmanager_config()["receivers"]:
        for config in receiver.get("pagerduty_configs", []):
            files[receiver["name"]] = PurePosixPath(config["routing_key_file"]).name
    return files


RECEIVER_KEYS = {RECEIVER_PAGE: "sev1", RECEIVER_BUSINESS_HOURS: "business-hours"}
"""Alertmanager receiver -> the routing key of `OnCallServices.routing_keys` it pages with."""
ROUTING_KEYS_PATH = "observability/pagerduty-routing-keys"
"""Where, in the cell's KV mount, the keys are written; the `pagerduty-routing-keys` Secret syncs from it."""


def routing_keys_document(services: OnCallServices) -> pulumi.Output[str]:
    """The KV secret's data: one entry per Alertmanager routing key file, from the declared integrations."""
    files = routing_key_files()
    keys = {files[receiver]: services.routing_keys[key] for receiver, key in RECEIVER_KEYS.items()}
    return pulumi.Output.secret(pulumi.Output.all(**keys).apply(lambda values: json.dumps(values, sort_keys=True)))


TICKET_BRIDGE_TOKEN_PATH = "observability/ticket-bridge-token"
"""Where, in the cell's KV mount, the ticket bridge's bearer token is kept; the `ticket-bridge-token` Secret syncs
from it (`slogen.alertmanager.TICKET_BRIDGE_SECRET`)."""
TICKET_BRIDGE_TOKEN_BYTES = 32
"""256 random bits, hex-encoded: a bearer token that no one types, chooses or sees."""


def ticket_bridge_token(name: str, security: SecurityOutputs, parent: pulumi.Resource) -> vault.kv.SecretV2:
    """The bearer token Alertmanager's ticket receiver sends and the bridge checks: drawn by the cell's Vault
    (`sys/tools/random`, its own entropy), kept only as a secret in state and in the KV entry both sides sync from.
    Replacing the `...-ticket-bridge-token-random` resource draws a new one (runbooks/pagerduty-routing-keys.md)."""
    drawn = vault.generic.Endpoint(
        f"{name}-ticket-bridge-token-random",
        path=f"sys/tools/random/{TICKET_BRIDGE_TOKEN_BYTES}",
        data_json=json.dumps({"format": "hex"}),
        disable_read=True,  # nothing to read back: the value is what the write returned
        disable_delete=True,
        write_fields=["random_bytes"],
        opts=pulumi.ResourceOptions(
            parent=parent, provider=security.vault_provider, additional_secret_outputs=["writeData", "writeDataJson"]
        ),
    )
    document = drawn.write_data.apply(lambda data: json.dumps({TICKET_BRIDGE_TOKEN_KEY: data["random_bytes"]}))
    return vault.kv.SecretV2(
        f"{name}-ticket-bridge-token",
        mount=security.vault_kv_path,
        name=TICKET_BRIDGE_TOKEN_PATH,
        data_json=pulumi.Output.secret(document),  # type: ignore[arg-type]  # the SDK stub infers Never here
        opts=pulumi.ResourceOptions(parent=parent, provider=security.vault_provider),
    )


MODEL_ALERTS_DOMAIN = "platform"
"""Who is paged by the model pipelines' alarms (drift, failed evaluations): the platform on-call runs them."""


def declare_cell(
    ctx: CellContext,
    security: SecurityOutputs,
    services: OnCallServices,
    resilience: ResilienceOutputs,
    model_alert_topic_arn: pulumi.Output[str] | None = None,
    macie_findings_topic_arn: pulumi.Output[str] | None = None,
    store_alarms: Sequence[MetricAlert] = (),
    datadog_handles: Mapping[str, pulumi.Resource] | None = None,
) -> CellPaging:
    """`store_alarms`: alarms other layers define for their stores (`stacks/store_alarms.py`), paged here too.
    `datadog_handles`: the Datadog PagerDuty service objects the stack declares, by `@pagerduty-...` handle (the
    observability layer's in prod, `declare_probe_handles` elsewhere); the health probes depend on theirs."""
    settings = ctx.settings
    rules, alarms = cell_alerts(ctx, resilience)
    alarms = (*alarms, *store_alarms)
    subscribed: dict[str, tuple[str, pulumi.Input[str]]] = {"security-alerts": ("security", security.alert_topic_arn)}
    if model_alert_topic_arn is not None:
        subscribed["model-alerts"] = (MODEL_ALERTS_DOMAIN, model_alert_topic_arn)
    if macie_findings_topic_arn is not None:
        subscribed["macie-findings"] = ("security", macie_findings_topic_arn)
    domains = sorted(
        {rule.domain for rule in rules} | {alarm.domain for alarm in alarms} | {d for d, _ in subscribed.values()}
    )
    paging = CellPaging(
        f"{ctx.name}-paging",
        CellPagingArgs(
            stack=settings.stack,
            cell=ctx.name,
            kms_key_arn=security.key_arns["logs"],
            endpoints={domain: services.cloudwatch_endpoints[domain] for domain in domains},
            rules=rules,
            alarms=alarms,
            subscribed_topics=subscribed,
        ),
        opts=ctx.opts,
    )
    # Alertmanager's keys, written where its `pagerduty-routing-keys` Secret is synced from: no key by hand.
    vault.kv.SecretV2(
        f"{ctx.name}-paging-routing-keys",
        mount=security.vault_kv_path,
        name=ROUTING_KEYS_PATH,
        data_json=routing_keys_document(services),
        opts=pulumi.ResourceOptions(parent=paging, provider=security.vault_provider),
    )
    # ... and the ticket receiver's bearer token, synced into the `ticket-bridge-token` Secret the same way.
    ticket_bridge_token(f"{ctx.name}-paging", security, paging)
    if probes_health(ctx) and resilience.health_check_ids:
        declare_health_probes(ctx, resilience, datadog_handles or {})
    return paging
