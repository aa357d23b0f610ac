"""aws-cloudwatch-alarm-metric-published: the alarms rollbacks and stop conditions depend on read published metrics."""

import pytest

from policies.aws.cloudwatch.alarm_metric_published import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

HEAD = """
import json
import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

def alarm(name, namespace, metric, dimensions):
    return aws.cloudwatch.MetricAlarm(name, comparison_operator="GreaterThanThreshold", evaluation_periods=1,
        threshold=0.1, metric_queries=[
            aws.cloudwatch.MetricAlarmMetricQueryArgs(id="m", return_data=True,
                metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(namespace=namespace, metric_name=metric,
                    dimensions=dimensions, period=300, stat="Sum"))])

def composite(name, *alarms):
    return aws.cloudwatch.CompositeAlarm(name, alarm_name=name,
        alarm_rule=pulumi.Output.all(*[a.name for a in alarms]).apply(
            lambda names: " AND ".join(f'ALARM("{n}")' for n in names)))

app = aws.appconfig.Application("app")

def monitored(name, watched):
    aws.appconfig.Environment(name, application_id=app.id, monitors=[
        aws.appconfig.EnvironmentMonitorArgs(alarm_arn=watched.arn, alarm_role_arn="arn:aws:iam::1:role/r")])

def stopped_by(name, watched):
    aws.fis.ExperimentTemplate(name, description=name, role_arn="arn:aws:iam::1:role/fis",
        actions=[aws.fis.ExperimentTemplateActionArgs(name="wait", action_id="aws:fis:wait",
            parameters=[aws.fis.ExperimentTemplateActionParameterArgs(key="duration", value="PT1M")])],
        stop_conditions=[aws.fis.ExperimentTemplateStopConditionArgs(source="aws:cloudwatch:alarm",
                                                                      value=watched.arn)])

EMF = {"exporters": {"awsemf/sli": {"namespace": "TrustFabric/SLI", "metric_declarations": [
    {"dimensions": [["Cell", "Slo"]], "metric_name_selectors": ["^TotalEvents$", "^BadEvents$"]}]}}}
"""

COMPLIANT = (
    HEAD
    + """
k8s.core.v1.ConfigMap("collector-sli", metadata={"name": "otel-collector-sli"},
                      data={"sli.yaml": json.dumps(EMF)})
log = aws.cloudwatch.LogGroup("events")
aws.cloudwatch.LogMetricFilter("completed", log_group_name=log.name, pattern="x",
    metric_transformation=aws.cloudwatch.LogMetricFilterMetricTransformationArgs(
        namespace="TrustFabric/Delivery/uk", name="DeploymentsCompleted", value="1"))
sli = alarm("sli-burn-1h", "TrustFabric/SLI", "BadEvents", {"Cell": "uk", "Slo": "filing-success"})
sli_short = alarm("sli-burn-5m", "TrustFabric/SLI", "TotalEvents", {"Cell": "uk", "Slo": "filing-success"})
monitored("env", composite("burn", sli, sli_short))
stopped_by("by-filter", alarm("deployments", "TrustFabric/Delivery/uk", "DeploymentsCompleted", {}))
stopped_by("by-aws", alarm("queue-age", "AWS/SQS", "ApproximateAgeOfOldestMessage", {"QueueName": "q"}))
alarm("unwatched", "Nobody/Publishes", "Anything", {})
"""
)

BROKEN = (
    HEAD
    + """
EMF["exporters"]["awsemf/sli"]["metric_declarations"][0]["dimensions"] = [["Slo"]]
k8s.core.v1.ConfigMap("collector-sli", metadata={"name": "otel-collector-sli"},
                      data={"sli.yaml": json.dumps(EMF)})
nothing = alarm("nothing-publishes", "TrustFabric/SLI", "BadEvents", {"Cell": "uk", "Slo": "filing-success"})
monitored("env", composite("burn", nothing))
stopped_by("other-metric", alarm("other-metric", "TrustFabric/SLI", "GoodEvents", {"Cell": "uk", "Slo": "x"}))
stopped_by("other-namespace", alarm("other-namespace", "TrustFabric/Other", "BadEvents", {"Cell": "uk", "Slo": "x"}))
"""
)
EXPECTED = {
    "nothing-publishes": (
        "CloudWatch alarm 'nothing-publishes' (watched by AppConfig environment 'env') reads TrustFabric/SLI/"
        "BadEvents (Cell, Slo), which nothing in the stack publishes: the alarm would never leave "
        "INSUFFICIENT_DATA; publish it (log metric filter or collector awsemf exporter)."
    ),
    "other-metric": (
        "CloudWatch alarm 'other-metric' (watched by FIS experiment template 'other-metric') reads TrustFabric/SLI/"
        "GoodEvents (Cell, Slo), which nothing in the stack publishes: the alarm would never leave "
        "INSUFFICIENT_DATA; publish it (log metric filter or collector awsemf exporter)."
    ),
    "other-namespace": (
        "CloudWatch alarm 'other-namespace' (watched by FIS experiment template 'other-namespace') reads "
        "TrustFabric/Other/BadEvents (Cell, Slo), which nothing in the stack publishes: the alarm would never "
        "leave INSUFFICIENT_DATA; publish it (log metric filter or collector awsemf exporter)."
    ),
}


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    return evaluate(POLICY, run_snippet(tmp_path_factory.mktemp("broken"), BROKEN))


def test_published_metrics_pass_and_unwatched_alarms_are_not_judged(tmp_path):
    assert evaluate(POLICY, run_snippet(tmp_path, COMPLIANT)) == []


@pytest.mark.parametrize(("name", "detail"), EXPECTED.items(), ids=EXPECTED.keys())
def test_each_unpublished_metric_is_a_mandatory_violation(broken, name, detail):
    [diagnostic] = [d for d in broken if d.urn.endswith(f"::{name}")]
    assert diagnostic.detail == detail
    assert diagnostic.enforcement == "mandatory"


def test_nothing_else_is_reported(broken):
    assert sorted(d.urn.rsplit("::", 1)[1] for d in broken) == sorted(EXPECTED)


def test_an_alarm_alone_is_not_judged_and_unknown_config_publishes_nothing():
    assert evaluate(POLICY, resource("aws:cloudwatch/metricAlarm:MetricAlarm", {"metricQueries": UNKNOWN})) == []
    assert evaluate(POLICY, resource("kubernetes:core/v1:ConfigMap", {"data": UNKNOWN})) == []


def test_a_collector_configuration_is_parsed_once_and_bad_yaml_publishes_nothing():
    import yaml

    from policies.aws.cloudwatch import alarm_metric_published as module

    emf = {
        "exporters": {
            "awsemf/sli": {
                "namespace": "TrustFabric/SLI",
                "metric_declarations": [{"dimensions": [["Cell", "Slo"]], "metric_name_selectors": ["^BadEvents$"]}],
            }
        }
    }
    text = yaml.safe_dump(emf) + "# parsed once\n"
    before = module._config_publications.cache_info()
    first = module._config_publications(text)
    second = module._config_publications(text)
    after = module._config_publications.cache_info()
    assert (after.misses - before.misses, after.hits - before.hits) == (1, 1)
    assert first is second
    assert first == tuple(module._emf_publications(yaml.safe_load(text)))
    assert ("TrustFabric/SLI", "^BadEvents$", frozenset({"Cell", "Slo"})) in first
    assert module._config_publications("exporters: [unclosed") == ()
