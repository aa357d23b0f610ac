"""The Step Functions definitions are data: each template is JSON the States Language parser accepts, every
transition names a state, and the definitions the stacks declare are the rendered templates."""

from __future__ import annotations

import json

import pytest
from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser

from components.modelops.definitions import (
    BELOW_THRESHOLD,
    GATE_PASSED,
    TEMPLATES,
    approval_gate_definition,
    pipeline_definition,
    placeholders,
    render,
    structure_problems,
    template,
)
from tests.components.helpers import refusal

SAMPLE_VALUES = {
    "execution_role_arn": "arn:aws:iam::123456789012:role/trustfabric-prod-uk-model-execution",
    "kms_key_arn": "arn:aws:kms:eu-west-2:123456789012:key/k",
    "lineage_bucket": "lineage",
    "artefact_bucket": "artefact",
    "subnet_ids": ["subnet-1", "subnet-2"],
    "security_group_ids": ["sg-1"],
    "evaluation_image": "123456789012.dkr.ecr.eu-west-2.amazonaws.com/trustfabric/evaluation:1",
    "training_image": "123456789012.dkr.ecr.eu-west-2.amazonaws.com/trustfabric/training:1",
    "serving_image": "123456789012.dkr.ecr.eu-west-2.amazonaws.com/trustfabric/serving:1",
    "jurisdiction": "UK",
    "golden_dataset_uri": "s3://lineage/golden/UK/",
}


def gate(thresholds=None) -> str:
    return approval_gate_definition(
        approver_session_pattern="arn:aws:sts::123456789012:assumed-role/trustfabric-prod-uk-model-approver/*",
        lineage_bucket="lineage",
        thresholds=thresholds or {"trustfabric-prod-uk-tax-computation": {"accuracy": 0.99, "f1": 0.9}},
    )


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_template_is_json_with_a_start_and_states(name):
    machine = json.loads(template(name))
    assert machine["StartAt"] in machine["States"]
    assert machine["Comment"]


@pytest.mark.parametrize("name", ["evaluation", "retraining"])
def test_rendered_pipelines_parse_and_hold_together(name):
    values = {key: SAMPLE_VALUES[key] for key in placeholders(name)}
    definition = pipeline_definition(name, values)
    AmazonStateLanguageParser.parse(definition)
    assert structure_problems(json.loads(definition)) == []
    assert "${" not in definition


def test_the_gate_parses_and_has_one_choice_per_model():
    definition = gate({"group-a": {"accuracy": 0.9}, "group-b": {"recall": 0.8, "f1": 0.7}})
    AmazonStateLanguageParser.parse(definition)
    machine = json.loads(definition)
    assert structure_problems(machine) == []
    choices = machine["States"]["SelectModel"]["Choices"]
    assert [(c["StringEquals"], c["Next"]) for c in choices] == [
        ("group-a", "Evaluate-group-a"),
        ("group-b", "Evaluate-group-b"),
    ]
    rules = machine["States"]["Evaluate-group-b"]["Choices"]
    assert [rule["Or"][2] for rule in rules] == [
        {"Variable": "$.evaluation.metrics.f1", "NumericLessThan": 0.7},
        {"Variable": "$.evaluation.metrics.recall", "NumericLessThan": 0.8},
    ]
    assert {rule["Next"] for rule in rules} == {BELOW_THRESHOLD}
    assert machine["States"]["Evaluate-group-b"]["Default"] == GATE_PASSED


def test_the_gate_checks_the_approver_before_anything_is_passed():
    states = json.loads(gate())["States"]
    [rule] = states["CheckApprover"]["Choices"]
    assert rule["And"][1]["StringMatches"].endswith(":assumed-role/trustfabric-prod-uk-model-approver/*")
    assert states["CheckApprover"]["Default"] == "ApproverNotAllowed"
    assert states["RejectVersion"]["Parameters"]["ModelApprovalStatus"] == "Rejected"
    assert states["PublishDecision"]["Resource"] == "arn:aws:states:::events:putEvents"


def test_structure_problems_are_found():
    machine = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Pass", "Next": "Missing"},
            "B": {"Type": "Pass"},
            "C": {"Type": "Map", "ItemProcessor": {"StartAt": "X", "States": {"Y": {"Type": "Succeed"}}}, "End": True},
        },
    }
    assert structure_problems(machine) == [
        "A: moves to 'Missing', which is not a state",
        "B: neither Next nor End",
        "C.ItemProcessor.StartAt: 'X' is not a state",
        "C.ItemProcessor.Y: not reachable from StartAt",
        "B: not reachable from StartAt",
        "C: not reachable from StartAt",
    ]


def test_a_broken_template_is_refused_by_the_parser():
    broken = template("retraining").replace('"Type": "Task"', '"Type": "Tsk"', 1)
    with pytest.raises(Exception, match="Tsk"):
        AmazonStateLanguageParser.parse(
            broken.replace('"${subnet_ids}"', "[]").replace('"${security_group_ids}"', "[]")
        )


def test_render_refuses_missing_and_unused_values():
    assert refusal(lambda: render("retraining", {})) == (
        "definitions: retraining: no value for artefact_bucket, execution_role_arn, kms_key_arn, lineage_bucket, "
        "security_group_ids, serving_image, subnet_ids, training_image"
    )
    values = {key: SAMPLE_VALUES[key] for key in placeholders("retraining")}
    assert refusal(lambda: render("retraining", {**values, "extra": "x"})) == (
        "definitions: retraining: extra not in the template"
    )
    assert refusal(lambda: render("retraining", {**values, "lineage_bucket": ["x"]})) == (
        "definitions: retraining: lineage_bucket is inside a string and must be a string, got ['x']"
    )
    assert refusal(lambda: template("nope")) == (
        "definitions: 'nope' is not a template; allowed: approval_gate, evaluation, retraining"
    )
    assert refusal(lambda: gate({"g": {}})) == "definitions: approval_gate: thresholds['g']: must not be empty"


def test_the_stacks_declare_the_rendered_definitions(prod, dev):
    for graph in (prod, dev):
        machines = graph.of_type("aws:sfn/stateMachine:StateMachine")
        assert machines, "no state machine declared"
        for machine in (m for m in machines if "-model-" in str(m.props.get("name"))):
            definition = machine.props["definition"]
            AmazonStateLanguageParser.parse(definition)
            assert structure_problems(json.loads(definition)) == [], machine.name
            assert "${" not in definition, machine.name
