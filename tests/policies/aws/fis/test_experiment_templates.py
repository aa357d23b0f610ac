"""aws-fis-experiment-template-stop-condition and -targets-scoped: alarm stop conditions; targets narrowed."""

from __future__ import annotations

import pytest

from policies.aws.fis.experiment_template_stop_condition import POLICY as STOP
from policies.aws.fis.experiment_template_targets_scoped import POLICY as SCOPED
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

PROGRAM = """
import pulumi_aws as aws
fis = aws.fis
alarm = aws.cloudwatch.CompositeAlarm("burn", alarm_name="burn", alarm_rule='ALARM("a") AND ALARM("b")')
ALARM = [fis.ExperimentTemplateStopConditionArgs(source="aws:cloudwatch:alarm", value=alarm.arn)]
FAILOVER = [fis.ExperimentTemplateActionArgs(name="failover", action_id="aws:rds:failover-db-cluster",
    target=fis.ExperimentTemplateActionTargetArgs(key="Clusters", value="Clusters"))]
def clusters(**scope):
    return [fis.ExperimentTemplateTargetArgs(name="Clusters", resource_type="aws:rds:cluster", selection_mode="ALL",
        **scope)]
TAGGED = clusters(resource_tags=[fis.ExperimentTemplateTargetResourceTagArgs(key="cell", value="uk")])
def template(name, stops, targets, actions=FAILOVER):
    fis.ExperimentTemplate(name, description=name, role_arn="arn:aws:iam::123456789012:role/fis",
        actions=actions, stop_conditions=stops, targets=targets)
template("guarded", ALARM, TAGGED)
template("unguarded", [fis.ExperimentTemplateStopConditionArgs(source="none")], TAGGED)
template("alarm-without-arn", [fis.ExperimentTemplateStopConditionArgs(source="aws:cloudwatch:alarm")], TAGGED)
template("by-arn", ALARM, clusters(resource_arns=["arn:aws:rds:eu-west-2:123456789012:cluster:ledger"]))
template("everything", ALARM, clusters())
template("pods", ALARM, [fis.ExperimentTemplateTargetArgs(name="Pods", resource_type="aws:eks:pod",
    selection_mode="ALL", parameters={"clusterIdentifier": "c", "namespace": "n", "selectorType": "labelSelector",
    "selectorValue": "app=x"})],
    [fis.ExperimentTemplateActionArgs(name="kill", action_id="aws:eks:pod-delete",
        parameters=[fis.ExperimentTemplateActionParameterArgs(key="kubernetesServiceAccount", value="fis")],
        target=fis.ExperimentTemplateActionTargetArgs(key="Pods", value="Pods"))])
template("all-pods", ALARM, [fis.ExperimentTemplateTargetArgs(name="Pods", resource_type="aws:eks:pod",
    selection_mode="ALL", parameters={"clusterIdentifier": "c", "namespace": "n"})],
    [fis.ExperimentTemplateActionArgs(name="kill", action_id="aws:eks:pod-delete",
        parameters=[fis.ExperimentTemplateActionParameterArgs(key="kubernetesServiceAccount", value="fis")],
        target=fis.ExperimentTemplateActionTargetArgs(key="Pods", value="Pods"))])
"""
TYPE = "aws:fis/experimentTemplate:ExperimentTemplate"


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    return run_snippet(tmp_path_factory.mktemp("templates"), PROGRAM)


def reported(policy, graph) -> dict[str, str]:
    diagnostics = evaluate(policy, graph)
    assert {d.enforcement for d in diagnostics} <= {"mandatory"}
    return {d.urn.rsplit("::", 1)[1]: d.detail for d in diagnostics}


def test_templates_without_an_alarm_stop_condition_are_reported(graph):
    assert reported(STOP, graph) == {
        "unguarded": "FIS experiment template 'unguarded' has stop condition 'none'; use source "
        "'aws:cloudwatch:alarm' with an SLO burn-rate alarm.",
        "alarm-without-arn": "FIS experiment template 'alarm-without-arn': stop_conditions[0] names no alarm; set "
        "value to the alarm's ARN.",
    }


def test_a_template_with_no_stop_condition_at_all_is_reported():
    [diagnostic] = evaluate(STOP, resource(TYPE, {"stopConditions": []}, name="t"))
    assert diagnostic.detail == (
        "FIS experiment template 't' has no stop condition; stop it on the SLO burn-rate alarms."
    )


def test_unknown_stop_conditions_are_never_a_pass():
    [diagnostic] = evaluate(STOP, resource(TYPE, {"stopConditions": UNKNOWN}, name="t"))
    assert diagnostic.detail == "FIS experiment template 't': stop conditions are not known during preview."


def test_targets_selecting_every_resource_are_reported(graph):
    assert reported(SCOPED, graph) == {
        "everything": "FIS experiment template 'everything': target 'Clusters' selects every aws:rds:cluster of "
        "the account; scope it by resource_arns or resource_tags.",
        "all-pods": "FIS experiment template 'all-pods': target 'Pods' selects every aws:eks:pod of the account; "
        "scope it by resource_arns or resource_tags.",
    }


def test_unknown_targets_are_never_a_pass():
    [diagnostic] = evaluate(SCOPED, resource(TYPE, {"targets": UNKNOWN}, name="t"))
    assert diagnostic.detail == "FIS experiment template 't': targets are not known during preview."


def test_an_alarm_stopped_tag_scoped_template_passes_both():
    template = resource(
        TYPE,
        {
            "stopConditions": [{"source": "aws:cloudwatch:alarm", "value": "arn:aws:cloudwatch:eu-west-2:1:alarm:x"}],
            "targets": [
                {
                    "name": "Clusters",
                    "resourceType": "aws:rds:cluster",
                    "selectionMode": "ALL",
                    "resourceTags": [{"key": "cell", "value": "uk"}],
                }
            ],
        },
        name="t",
    )
    assert evaluate(STOP, template) == []
    assert evaluate(SCOPED, template) == []
