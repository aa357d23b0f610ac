"""The delivery layer as the stacks declare it: SLO burn-rate alarms, monitored AppConfig environments, the canary
strategy, the rollback-rate metric and the FIS experiments; and each component's exact refusals."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from components.delivery.appconfig import CanaryStrategy, FeatureDeliveryArgs
from components.delivery.appconfig import validate_args as validate_delivery
from components.delivery.chaos import EXPERIMENT_KEYS, ChaosExperimentsArgs
from components.delivery.chaos import validate_args as validate_chaos
from components.delivery.flags import load_flag_documents
from components.delivery.rollback_rate import dashboard_body
from components.delivery.slo_alarms import SloAlarmsArgs
from components.delivery.slo_alarms import validate_args as validate_alarms
from slogen.spec import load_slo_dir
from stacks.delivery import FLAGS_DIR, SLO_DIR
from tests.components.helpers import ACCOUNT_ID, CELLS, only, parent_type, refusal

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
ENVIRONMENT = "aws:appconfig/environment:Environment"
STRATEGY = "aws:appconfig/deploymentStrategy:DeploymentStrategy"
TEMPLATE = "aws:fis/experimentTemplate:ExperimentTemplate"
ROLE = "aws:iam/role:Role"


def names_composite(arn: str, cell: str, slo: str, region: str) -> bool:
    """Whether `arn` is the ARN the engine's mock gives the cell's composite alarm of `slo` (name, then a hash)."""
    return arn.startswith(f"arn:aws:cloudwatch:{region}:{ACCOUNT_ID}:compositeAlarm/{cell}-slo-alarms-{slo}-")


# --- SLO burn-rate alarms -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("window", "period"), [("1h", 3600), ("5m", 300)])
def test_each_slo_window_is_an_error_ratio_alarm_at_the_fast_burn_threshold(prod, window, period):
    alarm = only(prod, ALARM, f"uk-slo-alarms-filing-success-{window}").props
    assert alarm["name"] == f"trustfabric-prod-uk-filing-success-burn-{window}"
    assert alarm["threshold"] == pytest.approx(14.4 * 0.001)
    assert alarm["comparisonOperator"] == "GreaterThanThreshold"
    assert alarm["treatMissingData"] == "notBreaching"
    queries = {query["id"]: query for query in alarm["metricQueries"]}
    assert queries["ratio"]["expression"] == "IF(total > 0, bad / total, 0)"
    for query_id, metric in (("bad", "BadEvents"), ("total", "TotalEvents")):
        assert queries[query_id]["metric"] == {
            "namespace": "TrustFabric/SLI",
            "metricName": metric,
            "dimensions": {"Slo": "filing-success", "Cell": "uk"},
            "period": period,
            "stat": "Sum",
        }


def test_the_composite_alarm_needs_both_windows(prod):
    composite = only(prod, COMPOSITE, "uk-slo-alarms-filing-success").props
    assert composite["alarmName"] == "trustfabric-prod-uk-filing-success-burn"
    assert composite["alarmRule"] == (
        'ALARM("trustfabric-prod-uk-filing-success-burn-1h") AND ALARM("trustfabric-prod-uk-filing-success-burn-5m")'
    )
    assert parent_type(prod, only(prod, COMPOSITE, "uk-slo-alarms-filing-success")) == "trustfabric:delivery:SloAlarms"


def test_every_cell_has_one_composite_alarm_per_slo(prod, dr, dev):
    slos = [slo.name for slo in load_slo_dir(SLO_DIR)]
    for graph, cells in ((prod, CELLS), (dr, CELLS), (dev, ("uk",))):
        names = sorted(resource.name for resource in graph.of_type(COMPOSITE))
        assert names == sorted(f"{cell}-slo-alarms-{slo}" for cell in cells for slo in slos)


def test_alarm_refusals():
    slos = tuple(load_slo_dir(SLO_DIR))
    args = SloAlarmsArgs(deployment="prod", cell="uk", slos=slos)
    assert refusal(lambda: validate_alarms(replace(args, cell="UK"))) == (
        "SloAlarms: cell: 'UK' is not a cell name; allowed: two lowercase letters"
    )
    assert refusal(lambda: validate_alarms(replace(args, slos=()))) == "SloAlarms: slos: must not be empty"
    assert refusal(lambda: validate_alarms(replace(args, slos=slos[:1] * 2))) == (
        f"SloAlarms: slos: {slos[0].name} listed twice"
    )


# --- AppConfig ------------------------------------------------------------------------------------------------


def test_each_environment_is_monitored_by_its_services_slo_alarms(prod):
    environment = only(prod, ENVIRONMENT, "uk-delivery-filing-prod").props
    assert environment["name"] == "prod"
    monitors = environment["monitors"]
    [monitor] = monitors
    assert names_composite(monitor["alarmArn"], "uk", "filing-success", "eu-west-2")
    assert {monitor["alarmRoleArn"] for monitor in monitors} == {
        f"arn:aws:iam::{ACCOUNT_ID}:role/trustfabric-prod-uk-eu-west-2-appconfig-monitor"
    }


def test_every_service_of_every_cell_has_a_monitored_environment(prod):
    environments = prod.of_type(ENVIRONMENT)
    assert len(environments) == len(CELLS) * 5
    assert all(resource.props["monitors"] for resource in environments)


def test_the_strategy_is_a_10_percent_canary_then_linear_with_a_bake(prod):
    strategy = only(prod, STRATEGY, "uk-delivery-canary-linear").props
    assert (strategy["growthType"], strategy["growthFactor"]) == ("LINEAR", 10)
    assert strategy["deploymentDurationInMinutes"] == 60
    assert strategy["finalBakeTimeInMinutes"] == 30


def test_the_flags_are_a_feature_flag_profile_deployed_with_the_strategy(prod):
    profile = only(prod, "aws:appconfig/configurationProfile:ConfigurationProfile", "uk-delivery-filing-flags").props
    assert (profile["type"], profile["locationUri"]) == ("AWS.AppConfig.FeatureFlags", "hosted")
    version = only(
        prod, "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion", "uk-delivery-filing-flags-version"
    ).props
    assert version["content"] == load_flag_documents(FLAGS_DIR)["filing"].content
    deployment = only(prod, "aws:appconfig/deployment:Deployment", "uk-delivery-filing-prod-deployment")
    assert deployment.dependencies  # environment, profile, version and strategy


def test_the_monitor_role_reads_only_the_cells_alarms(prod):
    role = only(prod, ROLE, "uk-delivery-monitor-role").props
    trust = json.loads(role["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "appconfig.amazonaws.com"}
    [inline] = role["inlinePolicies"]
    assert json.loads(inline["policy"])["Statement"] == [
        {
            "Sid": "ReadCellSloAlarms",
            "Effect": "Allow",
            "Action": ["cloudwatch:DescribeAlarms"],
            "Resource": f"arn:aws:cloudwatch:eu-west-2:{ACCOUNT_ID}:alarm:trustfabric-prod-uk-*",
        }
    ]


def test_delivery_refusals():
    flags = load_flag_documents(FLAGS_DIR)
    args = FeatureDeliveryArgs(
        deployment="prod",
        cell="uk",
        region="eu-west-2",
        stages=("prod",),
        flags={"filing": flags["filing"]},
        monitors={"filing": ["arn:alarm"]},
        permissions_boundary_arn="arn:boundary",
    )
    validate_delivery(args)
    assert refusal(lambda: validate_delivery(replace(args, monitors={}))) == (
        "FeatureDelivery: monitors['filing']: 0 alarms; allowed: 1..5 (every environment that receives deployments "
        "is watched by its service's SLO alarms)"
    )
    assert refusal(lambda: validate_delivery(replace(args, strategy=CanaryStrategy(growth_factor=100)))) == (
        "FeatureDelivery: strategy.growth_factor: 100 is out of range; allowed: 1..50"
    )
    assert refusal(lambda: validate_delivery(replace(args, strategy=CanaryStrategy(final_bake_minutes=0)))) == (
        "FeatureDelivery: strategy.final_bake_minutes: 0 is out of range; allowed: 10..1440"
    )
    assert refusal(lambda: validate_delivery(replace(args, stages=("Prod",)))) == (
        "FeatureDelivery: stages: 'Prod' is not a stage name; allowed: 1-32 of a-z, 0-9, '-', starting with a letter"
    )


# --- Rollback rate ------------------------------------------------------------------------------------------------


def test_rollback_rate_is_counted_from_appconfig_events(prod):
    rule = only(prod, "aws:cloudwatch/eventRule:EventRule", "uk-delivery-metrics-deployments").props
    assert json.loads(rule["eventPattern"]) == {
        "detail-type": ["On Deployment Complete", "On Deployment Rollback"],
        "source": ["aws.appconfig"],
    }
    filters = {
        resource.props["name"]: resource.props
        for resource in prod.of_type("aws:cloudwatch/logMetricFilter:LogMetricFilter")
        if resource.name.startswith("uk-delivery-metrics-")
    }
    assert filters["DeploymentsRolledBack"]["pattern"] == '{ $.detail-type = "On Deployment Rollback" }'
    assert filters["DeploymentsRolledBack"]["metricTransformation"]["namespace"] == "TrustFabric/Delivery/uk"
    log_group = only(prod, "aws:cloudwatch/logGroup:LogGroup", "uk-delivery-metrics-events").props
    assert log_group["kmsKeyId"].startswith("arn:aws:kms:eu-west-2:")


def test_the_dashboard_panel_shows_the_rate_against_the_target():
    [widget] = json.loads(dashboard_body("eu-west-2", "uk"))["widgets"]
    metrics = widget["properties"]["metrics"]
    assert metrics[2] == [
        {
            "id": "rate",
            "label": "rollback rate (%)",
            "expression": "IF(rolledback + completed > 0, 100 * rolledback / (rolledback + completed), 0)",
        }
    ]
    assert widget["properties"]["annotations"] == {"horizontal": [{"label": "target", "value": 2.0}]}


# --- Chaos ----------------------------------------------------------------------------------------------------


def templates(graph, cell: str) -> dict[str, dict]:
    prefix = f"{cell}-chaos-"
    return {r.name[len(prefix) :]: r.props for r in graph.of_type(TEMPLATE) if r.name.startswith(prefix)}


def test_prod_declares_every_experiment_per_cell_and_dr_none(prod, dr, dev):
    for cell in CELLS:
        assert sorted(templates(prod, cell)) == sorted(EXPERIMENT_KEYS)
    assert sorted(templates(dev, "uk")) == sorted(EXPERIMENT_KEYS)
    assert dr.of_type(TEMPLATE) == []


def test_experiments_stop_on_their_slo_alarms(prod):
    expected = {
        "connector-outage": ("filing-success", "api-latency"),
        "queue-delay": ("extraction-availability", "ingestion-availability"),
        "aurora-failover": ("ledger-freshness", "filing-success", "api-latency"),
        "az-impairment": ("api-latency", "filing-success", "ingestion-availability", "ledger-freshness"),
    }
    for key, props in templates(prod, "uk").items():
        conditions = props["stopConditions"]
        assert [condition["source"] for condition in conditions] == ["aws:cloudwatch:alarm"] * len(expected[key])
        for condition, slo in zip(conditions, expected[key], strict=True):
            assert names_composite(condition["value"], "uk", slo, "eu-west-2"), (key, condition["value"])


def test_targets_are_the_cells_own_resources(prod):
    uk = templates(prod, "uk")
    [clusters] = uk["aurora-failover"]["targets"]
    assert clusters["resourceTags"] == [
        {"key": "jurisdiction", "value": "UK"},
        {"key": "cell", "value": "uk"},
        {"key": "ledger-role", "value": "writer"},
    ]
    [subnets] = uk["az-impairment"]["targets"]
    [subnet_arn] = subnets["resourceArns"]
    assert subnet_arn.startswith(f"arn:aws:ec2:eu-west-2:{ACCOUNT_ID}:subnet/")
    [pods] = uk["connector-outage"]["targets"]
    assert pods["parameters"]["selectorValue"] == "app.kubernetes.io/name=filing-connector"
    assert pods["parameters"]["clusterIdentifier"] == f"arn:aws:eks:eu-west-2:{ACCOUNT_ID}:cluster/trustfabric-prod-uk"


def test_experiments_log_to_the_cells_encrypted_log_group(prod):
    config = templates(prod, "uk")["queue-delay"]["logConfiguration"]
    assert config["logSchemaVersion"] == 2
    assert config["cloudwatchLogsConfiguration"]["logGroupArn"].endswith(":*")
    log_group = only(prod, "aws:cloudwatch/logGroup:LogGroup", "uk-chaos-logs").props
    assert log_group["kmsKeyId"].startswith("arn:aws:kms:eu-west-2:")


def test_the_fis_role_is_bound_to_this_accounts_experiments(prod):
    role = only(prod, ROLE, "uk-chaos-role").props
    [trust] = json.loads(role["assumeRolePolicy"])["Statement"]
    assert trust["Principal"] == {"Service": "fis.amazonaws.com"}
    assert trust["Condition"]["ArnLike"] == {"aws:SourceArn": f"arn:aws:fis:eu-west-2:{ACCOUNT_ID}:experiment/*"}
    assert role["permissionsBoundary"]
    statements = {s["Sid"]: s for s in json.loads(role["inlinePolicies"][0]["policy"])["Statement"]}
    assert statements["FailOverCellLedger"]["Condition"] == {
        "StringEquals": {"aws:ResourceTag/jurisdiction": "UK", "aws:ResourceTag/cell": "uk"}
    }


def test_chaos_refusals():
    args = ChaosExperimentsArgs(
        deployment="prod",
        cell="uk",
        jurisdiction="UK",
        region="eu-west-2",
        cluster_name="trustfabric-prod-uk",
        subnet_ids=("subnet-1",),
        logs_kms_key_arn="arn:key",
        permissions_boundary_arn="arn:boundary",
        stop_alarm_arns={},
    )
    assert refusal(lambda: validate_chaos(args)) == (
        "ChaosExperiments: stop_alarm_arns: no alarm for filing-success, api-latency (stop conditions of "
        "connector-outage); an experiment never runs without its stop conditions"
    )
    assert refusal(lambda: validate_chaos(replace(args, experiments=("meteor",)))) == (
        "ChaosExperiments: experiments: unknown experiment 'meteor'; allowed: connector-outage, queue-delay, "
        "aurora-failover, az-impairment"
    )
    assert refusal(lambda: validate_chaos(replace(args, region="eu-central-1"))) == (
        "ChaosExperiments: region: region 'eu-central-1' is outside UK's allowed regions; allowed: eu-west-2, eu-west-1"
    )


def test_the_drift_slo_burn_notifies_the_cells_model_alert_topic(dev):
    # No AppConfig monitor or FIS stop condition acts on the 48-hour drift SLO: its burn alarm notifies on-call.
    drift = only(dev, COMPOSITE, "uk-slo-alarms-model-drift-resolution")
    [topic] = drift.property_dependencies["alarmActions"]
    assert topic.endswith("aws:sns/topic:Topic::uk-model-pipelines-alerts")
    assert only(dev, COMPOSITE, "uk-slo-alarms-ledger-freshness").props.get("alarmActions") is None
