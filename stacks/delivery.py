"""The delivery layer of a cell: SLO burn-rate alarms, feature flags delivered by canary with automatic rollback,
the rollback-rate metric, the FIS experiments stopped by the same alarms, and their monthly game days (EventBridge
Scheduler, outside the jurisdiction's filing blackouts; on-call notified of each start, paged on a failure).

`plan(settings)` reads everything the layer needs once per stack (the delivery and game-day settings, the SLO specs of
`slos/`, the flag documents of `flags/`) and raises `SettingsError` with one line naming the bad file or key;
`declare(ctx, ...)` declares a cell from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pulumi

from components.delivery.appconfig import FeatureDelivery, FeatureDeliveryArgs
from components.delivery.chaos import ChaosExperiments, ChaosExperimentsArgs
from components.delivery.flags import FlagDocument, FlagsError, load_flag_documents
from components.delivery.game_days import GameDays, GameDaysArgs
from components.delivery.rollback_rate import DeliveryMetrics, DeliveryMetricsArgs
from components.delivery.slo_alarms import SloAlarms, SloAlarmsArgs
from components.oncall.services import OnCallServices
from slogen.spec import SloSpec, SloSpecError, load_slo_dir
from stacks.context import CellContext
from stacks.network import NetworkOutputs
from stacks.security import SecurityOutputs
from stacks.settings import SettingsError, StackSettings, deployment
from stacks.settings_delivery import DeliverySettings, LoadTestSettings, load_delivery, load_load_test
from stacks.settings_game_days import GameDaySettings, game_day_schedules, load_game_days

REPO_ROOT = Path(__file__).resolve().parents[1]
SLO_DIR = REPO_ROOT / "slos"
MODELOPS_SERVICE = "modelops"
"""The service of the 48-hour drift SLO (`slos/model-drift-resolution.yaml`)."""
FLAGS_DIR = REPO_ROOT / "flags"
GAME_DAY_PAGES = "platform"
"""Whose service a failed or stopped game-day experiment pages: the platform on-call runs the game days."""


@dataclass(frozen=True)
class DeliveryPlan:
    """What every cell's delivery layer is declared from, read once per stack."""

    settings: DeliverySettings
    slos: tuple[SloSpec, ...]
    flags: dict[str, FlagDocument]
    game_days: GameDaySettings = field(default_factory=GameDaySettings)


def plan(settings: StackSettings, slo_dir: Path = SLO_DIR, flags_dir: Path = FLAGS_DIR) -> DeliveryPlan:
    """Settings, SLO specs and flags, validated; every problem is a one-line SettingsError."""
    delivery = load_delivery(settings)
    game_days = load_game_days(settings)
    try:
        slos = tuple(load_slo_dir(slo_dir))
        flags = load_flag_documents(flags_dir)
    except (FlagsError, SloSpecError) as error:
        raise SettingsError(str(error)) from None
    services = {slo.service for slo in slos}
    for service, document in flags.items():
        if service not in services:
            raise SettingsError(
                f"{document.source}: no SLO in slos/ has service {service!r}, so nothing could roll its flags "
                f"back; allowed: {', '.join(sorted(services))}"
            )
    return DeliveryPlan(settings=delivery, slos=slos, flags=flags, game_days=game_days)


def declare(
    ctx: CellContext,
    security: SecurityOutputs,
    network: NetworkOutputs,
    delivery: DeliveryPlan,
    model_alert_topic_arn: pulumi.Input[str] | None = None,
    services: OnCallServices | None = None,
) -> None:
    """`services`: the stack's PagerDuty services; with them, a cell with chaos experiments schedules its game days
    and tells on-call of each (`components.delivery.game_days`).
    `model_alert_topic_arn`: the cell's model alert topic (none when it serves no model family): the drift SLO's
    burn alarm notifies it; a cell without models declares no alarm for that SLO."""
    settings = ctx.settings
    name = deployment(settings)
    slos = [slo for slo in delivery.slos if slo.service != MODELOPS_SERVICE or model_alert_topic_arn is not None]
    actions = {MODELOPS_SERVICE: [model_alert_topic_arn]} if model_alert_topic_arn is not None else {}
    alarms = SloAlarms(
        f"{ctx.name}-slo-alarms",
        SloAlarmsArgs(deployment=name, cell=ctx.name, slos=slos, alarm_actions=actions),
        opts=ctx.opts,
    )
    FeatureDelivery(
        f"{ctx.name}-delivery",
        FeatureDeliveryArgs(
            deployment=name,
            cell=ctx.name,
            region=ctx.cell.region,
            stages=delivery.settings.stages,
            flags=delivery.flags,
            monitors={
                service: [alarms.alarm_arns[slo] for slo in alarms.services[service]] for service in delivery.flags
            },
            permissions_boundary_arn=security.permission_boundary_arn,
            strategy=delivery.settings.canary,
        ),
        opts=ctx.opts,
    )
    DeliveryMetrics(
        f"{ctx.name}-delivery-metrics",
        DeliveryMetricsArgs(
            deployment=name,
            cell=ctx.name,
            region=ctx.cell.region,
            logs_kms_key_arn=security.key_arns["logs"],
            log_retention_days=settings.observability.log_retention_days,
        ),
        opts=ctx.opts,
    )
    if delivery.settings.chaos_enabled:
        chaos = ChaosExperiments(
            f"{ctx.name}-chaos",
            ChaosExperimentsArgs(
                deployment=name,
                cell=ctx.name,
                jurisdiction=ctx.cell.code,
                region=ctx.cell.region,
                cluster_name=ctx.cell.eks_cluster,
                subnet_ids=network.subnet_ids,
                logs_kms_key_arn=security.key_arns["logs"],
                permissions_boundary_arn=security.permission_boundary_arn,
                stop_alarm_arns=alarms.alarm_arns,
                experiments=delivery.settings.experiments,
                duration_minutes=delivery.settings.duration_minutes,
                latency_ms=delivery.settings.latency_ms,
                log_retention_days=settings.observability.log_retention_days,
            ),
            opts=ctx.opts,
        )
        if services is not None:
            calendar = delivery.game_days.calendar(ctx.cell.code)
            GameDays(
                f"{ctx.name}-game-days",
                GameDaysArgs(
                    deployment=name,
                    cell=ctx.name,
                    region=ctx.cell.region,
                    time_zone=calendar.time_zone,
                    schedules=game_day_schedules(delivery.settings, delivery.game_days, ctx.cell.code),
                    blackouts=calendar.blackouts,
                    template_ids=chaos.template_ids,
                    kms_key_arn=security.key_arns["logs"],
                    permissions_boundary_arn=security.permission_boundary_arn,
                    notice_endpoint=services.notice_endpoint,
                    page_endpoint=services.cloudwatch_endpoints[GAME_DAY_PAGES],
                ),
                opts=ctx.opts,
            )


# The in-cluster load test (components/delivery/load_test.py): a cell listed under `loadTest.cells` gets its image
# repository and a suspended CronJob on the cell's cluster, through the Kubernetes provider observability declared.


def plan_load_test(settings: StackSettings) -> LoadTestSettings:
    """The stack's `loadTest` settings, validated once; a bad value is a one-line SettingsError."""
    return load_load_test(settings)


def declare_load_test(
    ctx: CellContext, security: SecurityOutputs, kubernetes: pulumi.ProviderResource, load_test: LoadTestSettings
) -> None:
    """The cell's load test, when `loadTest.cells` names it; the image is the one of this commit's `load/`."""
    from components.delivery.load_test import LoadTest, LoadTestArgs
    from load.image import content_tag

    target = load_test.targets.get(ctx.cell.code)
    if target is None:
        return
    LoadTest(
        f"{ctx.name}-load-test",
        LoadTestArgs(
            deployment=deployment(ctx.settings),
            cell=ctx.name,
            jurisdiction=ctx.cell.code,
            data_classification=ctx.cell.data_classification,
            owner=ctx.settings.owner,
            kms_key_arn=security.key_arns["data-confidential"],
            image_tag=content_tag(),
            host=target.host,
            profile=target.profile,
            time_scale=load_test.time_scale,
            user_scale=load_test.user_scale,
        ),
        opts=pulumi.ResourceOptions(parent=ctx.parent, providers={"aws": ctx.provider, "kubernetes": kubernetes}),
    )
