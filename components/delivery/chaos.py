"""Chaos experiments of a cell: AWS FIS templates stopped by the SLO burn-rate alarms.

Four experiments per cell, each naming only the cell's own resources and stopping as soon as one of the SLO alarms
it could hurt fires (never `none`):

========================  ===========================================  ==========================================
experiment                fault                                         targets (scoped, never every resource)
========================  ===========================================  ==========================================
connector-outage          `aws:eks:pod-network-blackhole-port`: the     pods labelled `app.kubernetes.io/name=
                          filing connectors lose HTTPS egress           filing-connector` in the cell's cluster
queue-delay               `aws:eks:pod-network-latency`: the queue      pods labelled `app.kubernetes.io/name=
                          consumers see added latency                   extraction-worker` in the cell's cluster
aurora-failover           `aws:rds:failover-db-cluster`                 the cell's ledger writer cluster, by tags
az-impairment             `aws:network:disrupt-connectivity` (all)      the cell's subnet in its first zone, by ARN
========================  ===========================================  ==========================================

One role per cell, assumable by FIS only for this account's experiments, carries the cell's permission boundary
and an inline policy granting exactly these actions: the network ACL swap of the AZ experiment limited to the
cell's subnets and to ACLs FIS tags itself, the failover limited to clusters tagged with the cell's jurisdiction
and cell, and the EKS actions limited to the cell's cluster. Experiment logs go to a log group under the cell's
logs key. The EKS experiments also need the role mapped in the cluster (an access entry, declared here, with the
user name `FIS_USER`) and that user's RBAC in the target namespaces (runbooks/chaos-game-day.md).

Usage::

    ChaosExperiments(
        "uk-chaos",
        ChaosExperimentsArgs(deployment="prod", cell="uk", jurisdiction="UK", region="eu-west-2",
                             cluster_name="trustfabric-prod-uk", subnet_ids=network.subnet_ids,
                             logs_kms_key_arn=keys["logs"], permissions_boundary_arn=boundary,
                             stop_alarm_arns=slo_alarms.alarm_arns),
        opts=pulumi.ResourceOptions(parent=cell, provider=uk_provider),
    )
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.documents import policy_document
from components.trust import assume_role_policy
from components.validation import require_jurisdiction, require_range, require_region_in_jurisdiction
from domain import tags

FIS_SERVICE = "fis.amazonaws.com"
FIS_USER = "fis-experiment"
"""The Kubernetes user the FIS role is mapped to in the cell's cluster (its RBAC grants the pod actions)."""
LEDGER_ROLE_TAG = "ledger-role"
"""The tag of the ledger's clusters naming the writer (components/resilience/aurora.py)."""


@dataclass(frozen=True)
class Experiment:
    """One experiment of the catalogue: what it breaks and which SLOs stop it."""

    key: str
    description: str
    stop_slos: tuple[str, ...]
    """The SLOs whose burn-rate alarms stop it (the SLOs it could hurt)."""


EXPERIMENTS: tuple[Experiment, ...] = (
    Experiment(
        "connector-outage",
        "Filing connectors lose HTTPS egress to the tax authorities",
        ("filing-success", "api-latency"),
    ),
    Experiment(
        "queue-delay",
        "Extraction queue consumers see added network latency",
        ("extraction-availability", "ingestion-availability"),
    ),
    Experiment(
        "aurora-failover",
        "The ledger's writer cluster fails over to a reader",
        ("ledger-freshness", "filing-success", "api-latency"),
    ),
    Experiment(
        "az-impairment",
        "The cell's first availability zone loses all network connectivity",
        ("api-latency", "filing-success", "ingestion-availability", "ledger-freshness"),
    ),
)
"""Every experiment a cell declares, in order."""
EXPERIMENT_KEYS = tuple(experiment.key for experiment in EXPERIMENTS)


@dataclass(frozen=True)
class ChaosExperimentsArgs:
    """Arguments of a cell's chaos experiments."""

    deployment: str
    """Name shared by the stacks of a pair (`prod` for prod and dr)."""
    cell: str
    """The cell's name prefix (`uk`): the `cell` tag the targets carry."""
    jurisdiction: str
    """The cell's jurisdiction: the role may touch only resources tagged with it, in its regions."""
    region: str
    """Region of the cell's provider."""
    cluster_name: str
    """The cell's EKS cluster (`cells[].eksCluster`): where the pod experiments run."""
    subnet_ids: Sequence[pulumi.Input[str]]
    """The cell's private subnets, one per zone in zone order; the AZ experiment disrupts the first."""
    logs_kms_key_arn: pulumi.Input[str]
    """Encrypts the experiment log group."""
    permissions_boundary_arn: pulumi.Input[str]
    """The cell's permission boundary, carried by the experiment role."""
    stop_alarm_arns: Mapping[str, pulumi.Input[str]]
    """SLO name -> its burn-rate alarm ARN (`SloAlarms.alarm_arns`); every experiment's stop SLOs must be here."""
    experiments: Sequence[str] = EXPERIMENT_KEYS
    """Which experiments to declare, from EXPERIMENT_KEYS (a standby footprint has no ledger writer to fail over)."""
    duration_minutes: int = 10
    """How long each fault lasts: 1..60 minutes."""
    latency_ms: int = 2000
    """Latency the queue-delay experiment adds: 100..30000 ms."""
    log_retention_days: int = 400
    """Retention of the experiment logs: 365..3653 days."""
    namespace: str = "trustfabric"
    """Kubernetes namespace of the connector and worker pods."""


def validate_args(args: ChaosExperimentsArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_jurisdiction("ChaosExperiments", "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction("ChaosExperiments", "region", args.region, args.jurisdiction)
    if not args.experiments:
        raise ValueError("ChaosExperiments: experiments: must not be empty")
    for key in args.experiments:
        if key not in EXPERIMENT_KEYS:
            raise ValueError(
                f"ChaosExperiments: experiments: unknown experiment {key!r}; allowed: {', '.join(EXPERIMENT_KEYS)}"
            )
    for experiment in EXPERIMENTS:
        if experiment.key not in args.experiments:
            continue
        missing = [slo for slo in experiment.stop_slos if slo not in args.stop_alarm_arns]
        if missing:
            raise ValueError(
                f"ChaosExperiments: stop_alarm_arns: no alarm for {', '.join(missing)} "
                f"(stop conditions of {experiment.key}); an experiment never runs without its stop conditions"
            )
    if "az-impairment" in args.experiments and not args.subnet_ids:
        raise ValueError("ChaosExperiments: subnet_ids: must not be empty (the az-impairment experiment's target)")
    require_range("ChaosExperiments", "duration_minutes", args.duration_minutes, 1, 60)
    require_range("ChaosExperiments", "latency_ms", args.latency_ms, 100, 30000)
    require_range("ChaosExperiments", "log_retention_days", args.log_retention_days, 365, 3653)


def role_name(args: ChaosExperimentsArgs) -> str:
    return f"trustfabric-{args.deployment}-{args.cell}-{args.region}-fis"


def role_policy(args: ChaosExperimentsArgs, account: str, cluster_arn: str, subnet_ids: Sequence[str]) -> str:
    """Exactly the actions of the cell's experiments, on the cell's resources only."""
    region = args.region
    cell_tags = {
        f"aws:ResourceTag/{tags.JURISDICTION}": args.jurisdiction,
        f"aws:ResourceTag/{tags.CELL}": args.cell,
    }
    statements: list[dict[str, object]] = [
        {
            "Sid": "ReadForTargetResolution",
            "Effect": "Allow",
            "Action": [
                "ec2:DescribeNetworkAcls",
                "ec2:DescribeSubnets",
                "ec2:DescribeVpcs",
                "ec2:DescribeManagedPrefixLists",
                "rds:DescribeDBClusters",
                "tag:GetResources",
            ],
            "Resource": "*",
        },
        {
            "Sid": "CreateFisNetworkAcls",
            "Effect": "Allow",
            "Action": ["ec2:CreateNetworkAcl"],
            "Resource": [f"arn:aws:ec2:{region}:{account}:network-acl/*", f"arn:aws:ec2:{region}:{account}:vpc/*"],
            "Condition": {"StringEquals": {"aws:RequestTag/managedByFIS": "true"}},
        },
        {
            "Sid": "TagFisNetworkAclsOnCreate",
            "Effect": "Allow",
            "Action": ["ec2:CreateTags"],
            "Resource": f"arn:aws:ec2:{region}:{account}:network-acl/*",
            "Condition": {"StringEquals": {"ec2:CreateAction": "CreateNetworkAcl"}},
        },
        {
            "Sid": "ChangeFisNetworkAcls",
            "Effect": "Allow",
            "Action": ["ec2:CreateNetworkAclEntry", "ec2:DeleteNetworkAcl"],
            "Resource": [
                f"arn:aws:ec2:{region}:{account}:network-acl/*",
                f"arn:aws:ec2:{region}:{account}:vpc/*",
            ],
            "Condition": {"StringEquals": {"ec2:ResourceTag/managedByFIS": "true"}},
        },
        {
            "Sid": "SwapCellSubnetAcls",
            "Effect": "Allow",
            "Action": ["ec2:ReplaceNetworkAclAssociation"],
            "Resource": [
                *(f"arn:aws:ec2:{region}:{account}:subnet/{subnet}" for subnet in subnet_ids),
                f"arn:aws:ec2:{region}:{account}:network-acl/*",
            ],
        },
        {
            "Sid": "FailOverCellLedger",
            "Effect": "Allow",
            "Action": ["rds:FailoverDBCluster"],
            "Resource": f"arn:aws:rds:{region}:{account}:cluster:*",
            "Condition": {"StringEquals": cell_tags},
        },
        {
            "Sid": "CellClusterPods",
            "Effect": "Allow",
            "Action": ["eks:DescribeCluster"],
            "Resource": cluster_arn,
        },
        {
            "Sid": "ExperimentLogDelivery",
            "Effect": "Allow",
            "Action": [
                "logs:CreateLogDelivery",
                "logs:PutResourcePolicy",
                "logs:DescribeResourcePolicies",
                "logs:DescribeLogGroups",
            ],
            "Resource": "*",
        },
    ]
    return policy_document(statements)


def subnet_arn(region: str, account: str, subnet_id: str) -> str:
    return f"arn:aws:ec2:{region}:{account}:subnet/{subnet_id}"


def stop_conditions(
    experiment: Experiment, alarm_arns: Mapping[str, pulumi.Input[str]]
) -> list[aws.fis.ExperimentTemplateStopConditionArgs]:
    return [
        aws.fis.ExperimentTemplateStopConditionArgs(source="aws:cloudwatch:alarm", value=alarm_arns[slo])
        for slo in experiment.stop_slos
    ]


def pod_target(cluster_arn: pulumi.Input[str], namespace: str, app: str) -> aws.fis.ExperimentTemplateTargetArgs:
    """The pods of one app in the cell's cluster, by label: never every pod."""
    return aws.fis.ExperimentTemplateTargetArgs(
        name="Pods",
        resource_type="aws:eks:pod",
        selection_mode="ALL",
        parameters={
            "clusterIdentifier": cluster_arn,
            "namespace": namespace,
            "selectorType": "labelSelector",
            "selectorValue": f"app.kubernetes.io/name={app}",
        },
    )


class ChaosExperiments(pulumi.ComponentResource):
    """The cell's FIS experiment templates, their role and their log group."""

    template_ids: dict[str, pulumi.Output[str]]
    role_arn: pulumi.Output[str]

    def __init__(self, name: str, args: ChaosExperimentsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:delivery:ChaosExperiments", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self))
        account = identity.account_id
        cluster_arn = account.apply(lambda acct: f"arn:aws:eks:{args.region}:{acct}:cluster/{args.cluster_name}")
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=f"/trustfabric/{args.deployment}/{args.cell}/fis-experiments",
            kms_key_id=args.logs_kms_key_arn,
            retention_in_days=args.log_retention_days,
            opts=child,
        )
        policy = pulumi.Output.all(account, cluster_arn, *args.subnet_ids).apply(
            lambda values: role_policy(args, values[0], values[1], values[2:])
        )
        role = aws.iam.Role(
            f"{name}-role",
            name=role_name(args),
            description=f"FIS experiments of {args.cell} ({args.region}): the cell's resources only",
            assume_role_policy=account.apply(
                lambda acct: assume_role_policy(
                    FIS_SERVICE,
                    acct,
                    source_arn=("ArnLike", f"arn:aws:fis:{args.region}:{acct}:experiment/*"),
                )
            ),
            inline_policies=[aws.iam.RoleInlinePolicyArgs(name="cell-experiments", policy=policy)],
            permissions_boundary=args.permissions_boundary_arn,
            max_session_duration=3600,
            opts=child,
        )
        if any(key in args.experiments for key in ("connector-outage", "queue-delay")):
            aws.eks.AccessEntry(
                f"{name}-cluster-access",
                cluster_name=args.cluster_name,
                principal_arn=role.arn,
                user_name=FIS_USER,
                type="STANDARD",
                opts=child,
            )
        duration = f"PT{args.duration_minutes}M"
        logs = aws.fis.ExperimentTemplateLogConfigurationArgs(
            log_schema_version=2,
            cloudwatch_logs_configuration=aws.fis.ExperimentTemplateLogConfigurationCloudwatchLogsConfigurationArgs(
                log_group_arn=log_group.arn.apply(lambda arn: f"{arn}:*"),
            ),
        )
        actions: dict[str, aws.fis.ExperimentTemplateActionArgs] = {
            "connector-outage": aws.fis.ExperimentTemplateActionArgs(
                name="blackhole-https-egress",
                action_id="aws:eks:pod-network-blackhole-port",
                parameters=_parameters(
                    duration=duration,
                    protocol="tcp",
                    port="443",
                    trafficType="egress",
                    kubernetesServiceAccount=FIS_USER,
                ),
                target=aws.fis.ExperimentTemplateActionTargetArgs(key="Pods", value="Pods"),
            ),
            "queue-delay": aws.fis.ExperimentTemplateActionArgs(
                name="add-latency",
                action_id="aws:eks:pod-network-latency",
                parameters=_parameters(
                    duration=duration, delayMilliseconds=str(args.latency_ms), kubernetesServiceAccount=FIS_USER
                ),
                target=aws.fis.ExperimentTemplateActionTargetArgs(key="Pods", value="Pods"),
            ),
            "aurora-failover": aws.fis.ExperimentTemplateActionArgs(
                name="failover-writer",
                action_id="aws:rds:failover-db-cluster",
                target=aws.fis.ExperimentTemplateActionTargetArgs(key="Clusters", value="Clusters"),
            ),
            "az-impairment": aws.fis.ExperimentTemplateActionArgs(
                name="disrupt-first-zone",
                action_id="aws:network:disrupt-connectivity",
                parameters=_parameters(duration=duration, scope="all"),
                target=aws.fis.ExperimentTemplateActionTargetArgs(key="Subnets", value="Subnets"),
            ),
        }
        targets: dict[str, aws.fis.ExperimentTemplateTargetArgs] = {
            "connector-outage": pod_target(cluster_arn, args.namespace, "filing-connector"),
            "queue-delay": pod_target(cluster_arn, args.namespace, "extraction-worker"),
            "aurora-failover": aws.fis.ExperimentTemplateTargetArgs(
                name="Clusters",
                resource_type="aws:rds:cluster",
                selection_mode="ALL",
                resource_tags=[
                    aws.fis.ExperimentTemplateTargetResourceTagArgs(key=key, value=value)
                    for key, value in (
                        (tags.JURISDICTION, args.jurisdiction),
                        (tags.CELL, args.cell),
                        (LEDGER_ROLE_TAG, "writer"),
                    )
                ],
            ),
            "az-impairment": aws.fis.ExperimentTemplateTargetArgs(
                name="Subnets",
                resource_type="aws:ec2:subnet",
                selection_mode="ALL",
                resource_arns=[
                    pulumi.Output.all(account, args.subnet_ids[0] if args.subnet_ids else "").apply(
                        lambda values: subnet_arn(args.region, values[0], values[1])
                    )
                ],
            ),
        }
        self.template_ids = {}
        for experiment in EXPERIMENTS:
            if experiment.key not in args.experiments:
                continue
            template = aws.fis.ExperimentTemplate(
                f"{name}-{experiment.key}",
                description=f"{args.cell} {experiment.key}: {experiment.description}",
                role_arn=role.arn,
                actions=[actions[experiment.key]],
                targets=[targets[experiment.key]],
                stop_conditions=stop_conditions(experiment, args.stop_alarm_arns),
                log_configuration=logs,
                experiment_options=aws.fis.ExperimentTemplateExperimentOptionsArgs(
                    account_targeting="single-account", empty_target_resolution_mode="fail"
                ),
                tags={
                    "Name": f"trustfabric-{args.deployment}-{args.cell}-{experiment.key}",
                    "experiment": experiment.key,
                },
                opts=child,
            )
            self.template_ids[experiment.key] = template.id
        self.role_arn = role.arn
        self.register_outputs({"template_ids": self.template_ids, "role_arn": self.role_arn})


def _parameters(**values: str) -> list[aws.fis.ExperimentTemplateActionParameterArgs]:
    return [aws.fis.ExperimentTemplateActionParameterArgs(key=key, value=value) for key, value in values.items()]
