"""The SLI counters reach CloudWatch: every cell's collector publishes exactly the metrics, dimensions and cell that
its SLO burn-rate alarms read, through a CMK-encrypted log group it alone may write."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from components.observability.sli_metrics import SliPublisherArgs, collector_sli_config, validate_args
from tests.components.observability.test_collector_identity import only
from trustfabric.engine import ACCOUNT_ID
from trustfabric.graph import ResourceGraph

PROD_CELLS = ("uk", "eu", "us", "ca")


def sli_config(graph: ResourceGraph, cell: str) -> dict:
    config_map = only(graph, "kubernetes:core/v1:ConfigMap", f"{cell}-telemetry-collector-sli-config")
    assert config_map.props["metadata"] == {
        "name": "otel-collector-sli",
        "namespace": "observability",
        "labels": config_map.props["metadata"]["labels"],
    }
    return yaml.safe_load(config_map.props["data"]["sli.yaml"])


@pytest.mark.parametrize(("stack", "cells"), [("prod", PROD_CELLS), ("dev", ("uk",))])
def test_every_alarm_metric_of_a_cell_is_what_its_collector_publishes(stack_graph, stack, cells):
    graph = stack_graph(stack)
    for cell in cells:
        config = sli_config(graph, cell)
        exporter = config["exporters"]["awsemf/sli"]
        (declaration,) = exporter["metric_declarations"]
        cell_statement = config["processors"]["transform/sli"]["metric_statements"][1]["statements"][1]
        assert cell_statement == f'set(attributes["Cell"], "{cell}")'
        alarms = [
            r
            for r in graph
            if r.type == "aws:cloudwatch/metricAlarm:MetricAlarm" and r.name.startswith(f"{cell}-slo-alarms-")
        ]
        assert len(alarms) == 12  # two burn-rate alarms for each of the six SLOs in slos/
        for alarm in alarms:
            assert alarm.region == exporter["region"]
            for query in alarm.props["metricQueries"]:
                metric = query.get("metric")
                if metric is None:
                    continue
                assert metric["namespace"] == exporter["namespace"] == "TrustFabric/SLI"
                assert sorted(metric["dimensions"]) in declaration["dimensions"]
                assert metric["dimensions"]["Cell"] == cell
                assert any(
                    re.search(selector, metric["metricName"]) for selector in declaration["metric_name_selectors"]
                )


@pytest.mark.parametrize(("stack", "cells"), [("prod", PROD_CELLS), ("dev", ("uk",))])
def test_the_records_go_to_the_cells_encrypted_log_group_that_only_the_collector_writes(stack_graph, stack, cells):
    graph = stack_graph(stack)
    for cell in cells:
        log_group = only(graph, "aws:cloudwatch/logGroup:LogGroup", f"{cell}-sli-metrics-logs")
        assert log_group.props["name"] == f"/trustfabric/{stack}/{cell}/sli-metrics"
        assert log_group.props["retentionInDays"] >= 365
        assert log_group.property_dependencies["kmsKeyId"] == [
            only(graph, "aws:kms/key:Key", f"{cell}-keyring-logs").urn
        ]
        assert sli_config(graph, cell)["exporters"]["awsemf/sli"]["log_group_name"] == log_group.props["name"]

        grant = only(graph, "aws:iam/rolePolicy:RolePolicy", f"{cell}-sli-metrics-publish")
        assert grant.property_dependencies["role"] == [only(graph, "aws:iam/role:Role", f"{cell}-collector-role").urn]
        (statement,) = json.loads(grant.props["policy"])["Statement"]
        assert statement["Effect"] == "Allow"
        assert sorted(statement["Action"]) == ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]
        arn = f"arn:aws:logs:{log_group.region}:{ACCOUNT_ID}:log-group:/trustfabric/{stack}/{cell}/sli-metrics"
        assert statement["Resource"] == [arn, f"{arn}:log-stream:*"]


def test_the_collector_reads_the_sli_file_federates_prometheus_and_prometheus_records_the_counters(stack_graph):
    graph = stack_graph("dev")
    spec = only(graph, "kubernetes:apps/v1:Deployment", "uk-telemetry-collector").props["spec"]["template"]["spec"]
    (container,) = spec["containers"]
    assert container["args"] == ["--config=/conf/collector.yaml", "--config=/conf-sli/sli.yaml"]
    assert {"name": "sli-config", "configMap": {"name": "otel-collector-sli"}} in spec["volumes"]
    egress = only(graph, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "uk-telemetry-collector-network-policy")
    assert {
        "to": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "prometheus"}}}],
        "ports": [{"protocol": "TCP", "port": 9090}],
    } in egress.props["spec"]["egress"]
    config = sli_config(graph, "uk")
    (scrape,) = config["receivers"]["prometheus/sli"]["config"]["scrape_configs"]
    assert scrape["metrics_path"] == "/federate"
    assert scrape["params"] == {
        "match[]": ['{__name__=~"slo:sli_events_bad:increase1m|slo:sli_events_total:increase1m"}']
    }
    assert config["service"]["pipelines"]["metrics/sli"]["exporters"] == ["awsemf/sli"]
    rules = only(
        graph, "kubernetes:monitoring.coreos.com/v1:PrometheusRule", "uk-telemetry-rules-sli-cloudwatch-counters"
    )
    records = {rule["record"] for group in rules.props["spec"]["groups"] for rule in group["rules"]}
    assert records == {"slo:sli_events_total:increase1m", "slo:sli_events_bad:increase1m"}


def test_bad_arguments_are_refused_with_the_argument_named():
    with pytest.raises(ValueError, match="SliPublisher: cell: 'UK' is not a cell name"):
        validate_args(
            SliPublisherArgs(deployment="prod", cell="UK", region="eu-west-2", role_name="r", logs_kms_key_arn="k")
        )
    with pytest.raises(ValueError, match="SliPublisher: log_retention_days"):
        validate_args(
            SliPublisherArgs(
                deployment="prod",
                cell="uk",
                region="eu-west-2",
                role_name="r",
                logs_kms_key_arn="k",
                log_retention_days=30,
            )
        )
    with pytest.raises(ValueError, match="collector_sli_config: cell"):
        collector_sli_config(cell="u1", region="eu-west-2", log_group_name="g")
