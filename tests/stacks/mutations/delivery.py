"""Mutations for the delivery policies: AppConfig environments and strategies, FIS templates and the FIS role, and
the metrics the SLO alarms read."""

from __future__ import annotations

import json

from tests.stacks.mutations.edits import set_at
from tests.stacks.mutations.model import Mutation

ENVIRONMENT = "aws:appconfig/environment:Environment"
STRATEGY = "aws:appconfig/deploymentStrategy:DeploymentStrategy"
TEMPLATE = "aws:fis/experimentTemplate:ExperimentTemplate"
ROLE = "aws:iam/role:Role"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
SCHEDULE = "aws:scheduler/schedule:Schedule"
FAILOVER_ANYWHERE = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "Any", "Effect": "Allow", "Action": "rds:FailoverDBCluster", "Resource": "*"}],
    }
)

MUTATIONS: tuple[Mutation, ...] = (
    Mutation(
        policy="aws-appconfig-environment-alarm-monitor",
        stack="dev",
        type=ENVIRONMENT,
        name="uk-delivery-filing-dev",
        change="drop the environment's SLO alarm monitors",
        expect="has no alarm monitor",
        edit=set_at(["monitors"], []),
    ),
    Mutation(
        policy="aws-appconfig-deployment-strategy-bake-time",
        stack="dev",
        type=STRATEGY,
        name="uk-delivery-canary-linear",
        change="complete deployments without a bake",
        expect="bakes for 0 minutes",
        edit=set_at(["final_bake_time_in_minutes"], 0),
    ),
    Mutation(
        policy="aws-appconfig-deployment-strategy-gradual",
        stack="dev",
        type=STRATEGY,
        name="uk-delivery-canary-linear",
        change="deploy to every target in one step",
        expect="deploys to 100% of targets at once",
        edit=set_at(["growth_factor"], 100),
    ),
    Mutation(
        policy="aws-fis-experiment-template-stop-condition",
        stack="dev",
        type=TEMPLATE,
        name="uk-chaos-aurora-failover",
        change="run the failover without a stop condition",
        expect="has stop condition 'none'",
        edit=set_at(["stop_conditions"], [{"source": "none"}]),
    ),
    Mutation(
        policy="aws-fis-experiment-template-targets-scoped",
        stack="dev",
        type=TEMPLATE,
        name="uk-chaos-aurora-failover",
        change="fail over every cluster of the account",
        expect="selects every aws:rds:cluster",
        edit=set_at(["targets"], [{"name": "Clusters", "resource_type": "aws:rds:cluster", "selection_mode": "ALL"}]),
    ),
    Mutation(
        policy="aws-fis-role-scoped-to-jurisdiction",
        stack="dev",
        type=ROLE,
        name="uk-chaos-role",
        change="let the FIS role fail over any cluster",
        expect="rds:FailoverDBCluster on every resource",
        edit=set_at(["inline_policies"], [{"name": "cell-experiments", "policy": FAILOVER_ANYWHERE}]),
    ),
    Mutation(
        policy="aws-cloudwatch-alarm-metric-published",
        stack="dev",
        type=METRIC_ALARM,
        name="uk-slo-alarms-filing-success-1h",
        change="read a bad-event metric the collector does not publish",
        expect="TrustFabric/SLI/FailedEvents (Cell, Slo), which nothing in the stack publishes",
        edit=set_at(["metric_queries", 0, "metric", "metric_name"], "FailedEvents"),
    ),
    Mutation(
        policy="aws-scheduler-fis-schedule-protected",
        stack="dev",
        type=SCHEDULE,
        name="uk-game-days-queue-delay-d08",
        change="start the game day without retrying an undelivered start",
        expect="starts FIS experiments without target.retry_policy",
        edit=set_at(["target", "retry_policy"], None),
    ),
    Mutation(
        policy="aws-scheduler-game-day-outside-blackout",
        stack="dev",
        type=SCHEDULE,
        name="uk-game-days-connector-outage-d08",
        change="run the January game day in the Self Assessment deadline's blackout",
        expect="on 01-20 (inside 01-15..02-07), a filing blackout",
        edit=set_at(["schedule_expression"], "cron(0 2 20 1,5,9 ? *)"),
    ),
)
