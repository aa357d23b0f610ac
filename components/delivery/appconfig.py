"""Feature flags delivered progressively: AppConfig per cell, rolled back by the SLO burn-rate alarms.

Per service of the cell (one `flags/<service>.json` each):

- an AppConfig application, and in it one environment per stage whose monitors are the service's SLO
  burn-rate alarms (`SloAlarms`): an alarm firing during a deployment or its bake time rolls it back;
- a feature-flag configuration profile (`AWS.AppConfig.FeatureFlags`: AppConfig validates the content against
  the schema the repository validated it with) and a hosted configuration version holding the flags;
- a deployment of that version to every environment, with the cell's deployment strategy: a change to the flags
  in the repository becomes a new version and a new gradual deployment on `pulumi up`.

One deployment strategy per cell: linear growth in steps of `growth_factor` percent (the first step, 10% by
default, is the canary), spread over `deployment_minutes`, then `final_bake_minutes` of watching before the
deployment completes. One role per cell lets AppConfig read the cell's alarms (and nothing else).

Usage::

    delivery = FeatureDelivery(
        "uk-delivery",
        FeatureDeliveryArgs(deployment="prod", cell="uk", region="eu-west-2", stages=("prod",),
                            flags={"filing": flag_document}, monitors={"filing": [alarm_arn]},
                            permissions_boundary_arn=boundary_arn),
        opts=pulumi.ResourceOptions(parent=cell, provider=uk_provider),
    )
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pulumi
import pulumi_aws as aws

from components.delivery.flags import PROFILE_TYPE, FlagDocument
from components.documents import policy_document
from components.trust import assume_role_policy
from components.validation import require_range

APPCONFIG_SERVICE = "appconfig.amazonaws.com"
MAX_MONITORS = 5
"""AppConfig's limit of alarm monitors per environment."""
_NAME = re.compile(r"^[a-z][a-z0-9-]{0,31}$")


@dataclass(frozen=True)
class CanaryStrategy:
    """How a configuration reaches an environment: a canary step, linear growth, then a bake."""

    growth_factor: float = 10.0
    """Percent of targets added per step; the first step is the canary. 1..50: never all at once."""
    deployment_minutes: int = 60
    """Time over which the steps are spread: 10..1440 (AppConfig allows 0..1440; 0 is all at once)."""
    final_bake_minutes: int = 30
    """Minutes the monitors are watched after the last step, still able to roll back: 10..1440."""


@dataclass(frozen=True)
class FeatureDeliveryArgs:
    """Arguments of a cell's feature-flag delivery."""

    deployment: str
    """Name shared by the stacks of a pair (`prod` for prod and dr); part of every name."""
    cell: str
    """The cell's name prefix (`uk`)."""
    region: str
    """Region of the cell's provider (the monitor role reads alarms there only)."""
    stages: Sequence[str]
    """AppConfig environments of every application, e.g. `("prod",)`."""
    flags: Mapping[str, FlagDocument]
    """Service -> its validated flags (`components.delivery.flags`); one application each."""
    monitors: Mapping[str, Sequence[pulumi.Input[str]]]
    """Service -> ARNs of its SLO burn-rate alarms (1..5 per service): every environment watches them."""
    permissions_boundary_arn: pulumi.Input[str]
    """The cell's permission boundary, carried by the monitor role."""
    strategy: CanaryStrategy = field(default_factory=CanaryStrategy)


def validate_args(args: FeatureDeliveryArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    if not args.stages:
        raise ValueError("FeatureDelivery: stages: must not be empty")
    for stage in args.stages:
        if not _NAME.match(stage):
            raise ValueError(
                f"FeatureDelivery: stages: {stage!r} is not a stage name; allowed: 1-32 of a-z, 0-9, '-', "
                "starting with a letter"
            )
    if not args.flags:
        raise ValueError("FeatureDelivery: flags: must not be empty")
    for service in args.flags:
        monitors = args.monitors.get(service, ())
        if not 1 <= len(monitors) <= MAX_MONITORS:
            raise ValueError(
                f"FeatureDelivery: monitors[{service!r}]: {len(monitors)} alarms; allowed: 1..{MAX_MONITORS} "
                "(every environment that receives deployments is watched by its service's SLO alarms)"
            )
    growth = args.strategy.growth_factor
    if isinstance(growth, bool) or not isinstance(growth, (int, float)) or not 1 <= growth <= 50:
        raise ValueError(f"FeatureDelivery: strategy.growth_factor: {growth!r} is out of range; allowed: 1..50")
    require_range("FeatureDelivery", "strategy.deployment_minutes", args.strategy.deployment_minutes, 10, 1440)
    require_range("FeatureDelivery", "strategy.final_bake_minutes", args.strategy.final_bake_minutes, 10, 1440)


def monitor_role_name(args: FeatureDeliveryArgs) -> str:
    return f"trustfabric-{args.deployment}-{args.cell}-{args.region}-appconfig-monitor"


def monitor_policy(account_id: str, region: str, deployment: str, cell: str) -> str:
    """DescribeAlarms on the cell's SLO alarms only: all AppConfig needs to decide a rollback."""
    return policy_document(
        [
            {
                "Sid": "ReadCellSloAlarms",
                "Effect": "Allow",
                "Action": ["cloudwatch:DescribeAlarms"],
                "Resource": f"arn:aws:cloudwatch:{region}:{account_id}:alarm:trustfabric-{deployment}-{cell}-*",
            }
        ]
    )


class FeatureDelivery(pulumi.ComponentResource):
    """AppConfig applications, flag profiles, monitored environments and gradual deployments of a cell."""

    application_ids: dict[str, pulumi.Output[str]]
    strategy_id: pulumi.Output[str]

    def __init__(self, name: str, args: FeatureDeliveryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:delivery:FeatureDelivery", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self))
        role = aws.iam.Role(
            f"{name}-monitor-role",
            name=monitor_role_name(args),
            description=f"AppConfig reads the SLO alarms of {args.cell} ({args.region}) to roll deployments back",
            assume_role_policy=identity.account_id.apply(
                lambda account: assume_role_policy(APPCONFIG_SERVICE, account)
            ),
            inline_policies=[
                aws.iam.RoleInlinePolicyArgs(
                    name="read-slo-alarms",
                    policy=identity.account_id.apply(
                        lambda account: monitor_policy(account, args.region, args.deployment, args.cell)
                    ),
                )
            ],
            permissions_boundary=args.permissions_boundary_arn,
            max_session_duration=3600,
            opts=child,
        )
        strategy = aws.appconfig.DeploymentStrategy(
            f"{name}-canary-linear",
            name=f"trustfabric-{args.deployment}-{args.cell}-canary-linear",
            description=(
                f"Canary {args.strategy.growth_factor:g}%, then +{args.strategy.growth_factor:g}% per step over "
                f"{args.strategy.deployment_minutes} min, then {args.strategy.final_bake_minutes} min of bake"
            ),
            growth_type="LINEAR",
            growth_factor=args.strategy.growth_factor,
            deployment_duration_in_minutes=args.strategy.deployment_minutes,
            final_bake_time_in_minutes=args.strategy.final_bake_minutes,
            replicate_to="NONE",
            opts=child,
        )
        self.strategy_id = strategy.id
        self.application_ids = {}
        for service, document in sorted(args.flags.items()):
            prefix = f"{name}-{service}"
            # The file as the repository names it (flags/<service>.json): never a checkout's absolute path.
            source = f"{Path(document.source).parent.name}/{Path(document.source).name}"
            application = aws.appconfig.Application(
                prefix,
                name=f"trustfabric-{args.deployment}-{args.cell}-{service}",
                description=f"Feature flags of {service} in cell {args.cell} ({source})",
                opts=child,
            )
            profile = aws.appconfig.ConfigurationProfile(
                f"{prefix}-flags",
                application_id=application.id,
                name="feature-flags",
                description=f"{service} feature flags: {', '.join(document.flags)}",
                location_uri="hosted",
                type=PROFILE_TYPE,
                opts=child,
            )
            version = aws.appconfig.HostedConfigurationVersion(
                f"{prefix}-flags-version",
                application_id=application.id,
                configuration_profile_id=profile.configuration_profile_id,
                content=document.content,
                content_type="application/json",
                description=f"From {source}",
                opts=child,
            )
            for stage in args.stages:
                environment = aws.appconfig.Environment(
                    f"{prefix}-{stage}",
                    application_id=application.id,
                    name=stage,
                    description=f"{service} {stage}: rolled back when an SLO alarm of {service} fires",
                    monitors=[
                        aws.appconfig.EnvironmentMonitorArgs(alarm_arn=alarm_arn, alarm_role_arn=role.arn)
                        for alarm_arn in args.monitors[service]
                    ],
                    opts=child,
                )
                aws.appconfig.Deployment(
                    f"{prefix}-{stage}-deployment",
                    application_id=application.id,
                    environment_id=environment.environment_id,
                    configuration_profile_id=profile.configuration_profile_id,
                    configuration_version=version.version_number.apply(str),
                    deployment_strategy_id=strategy.id,
                    description=f"{service} flags to {stage}, gradually",
                    opts=child,
                )
            self.application_ids[service] = application.id
        self.register_outputs({"application_ids": self.application_ids, "strategy_id": self.strategy_id})
