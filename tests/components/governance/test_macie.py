"""CellMacie and ErasureLedger: secure defaults, the findings path, parenting, exact errors."""

from __future__ import annotations

import dataclasses
import json

import pytest

from components.governance.erasure_ledger import ErasureLedgerArgs
from components.governance.erasure_ledger import validate_args as validate_ledger
from components.governance.macie import CellMacieArgs, finding_pattern, validate_args
from tests.policies.harness import run_snippet

PROGRAM = """
import pulumi
import pulumi_aws as aws
from components.governance.macie import CellMacie, CellMacieArgs
from components.governance.erasure_ledger import ErasureLedger, ErasureLedgerArgs

provider = aws.Provider("uk", region="eu-west-2")
opts = pulumi.ResourceOptions(provider=provider)
key = "arn:aws:kms:eu-west-2:123456789012:key/mrk-0123456789abcdef0123456789abcdef"
CellMacie("uk-macie", CellMacieArgs(stack="prod", cell="uk", jurisdiction="UK", region="eu-west-2",
          bucket_names=("records-bucket", "tenant-bucket"), logs_kms_key_arn=key), opts=opts)
CellMacie("second", CellMacieArgs(stack="prod", cell="eu", jurisdiction="UK", region="eu-west-2",
          bucket_names=("other",), logs_kms_key_arn=key, enable_account=False, schedule="weekly"), opts=opts)
ErasureLedger("uk-erasure-ledger", ErasureLedgerArgs(deployment="prod", cell="uk", jurisdiction="UK",
              region="eu-west-2", kms_key_arn=key, replica_region="eu-west-1",
              replica_kms_key_arn=key.replace("eu-west-2", "eu-west-1")), opts=opts)
"""
ARGS = CellMacieArgs(
    stack="prod", cell="uk", jurisdiction="UK", region="eu-west-2", bucket_names=("b",), logs_kms_key_arn="k"
)


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    return run_snippet(tmp_path_factory.mktemp("macie"), PROGRAM)


def named(graph, name):
    [found] = [r for r in graph.custom_resources if r.name == name]
    return found


def test_macie_is_enabled_once_with_a_daily_full_scheduled_job(graph):
    assert [r.name for r in graph.of_type("aws:macie2/account:Account")] == ["uk-macie-account"]
    account = named(graph, "uk-macie-account")
    assert account.props == {"status": "ENABLED", "findingPublishingFrequency": "FIFTEEN_MINUTES"}
    job = named(graph, "uk-macie-discovery")
    assert job.props["name"] == "trustfabric-prod-uk-sensitive-data-discovery"
    assert (job.props["jobType"], job.props["jobStatus"], job.props["samplingPercentage"]) == (
        "SCHEDULED",
        "RUNNING",
        100,
    )
    assert job.props["scheduleFrequency"] == {"dailySchedule": True}
    assert job.props["s3JobDefinition"]["bucketDefinitions"] == [
        {"accountId": "123456789012", "buckets": ["records-bucket", "tenant-bucket"]}
    ]
    assert named(graph, "second-discovery").props["scheduleFrequency"] == {"weeklySchedule": "MONDAY"}


def test_findings_reach_an_encrypted_topic_only_eventbridge_may_publish_to(graph):
    rule = named(graph, "uk-macie-findings-rule")
    assert json.loads(rule.props["eventPattern"]) == {
        "detail": {"severity": {"description": ["Medium", "High"]}},
        "detail-type": ["Macie Finding"],
        "source": ["aws.macie"],
    }
    topic = named(graph, "uk-macie-findings")
    assert topic.props["kmsMasterKeyId"].startswith("arn:aws:kms:eu-west-2:")
    [statement] = json.loads(named(graph, "uk-macie-findings-policy").props["policy"])["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert set(statement["Condition"]) == {"ArnEquals", "StringEquals"}
    target = named(graph, "uk-macie-findings-to-topic")
    assert target.props["targetId"] == "macie-findings"


def test_the_erasure_ledger_is_encrypted_recoverable_and_replicated(graph):
    table = named(graph, "uk-erasure-ledger-table")
    assert table.props["name"] == "trustfabric-prod-uk-erasure-ledger"
    assert table.props["serverSideEncryption"]["enabled"] is True
    assert table.props["pointInTimeRecovery"] == {"enabled": True}
    assert table.props["deletionProtectionEnabled"] is True
    assert [r["regionName"] for r in table.props["replicas"]] == ["eu-west-1"]


def test_children_are_parented(graph):
    parents = {r.urn for r in graph if r.type.startswith("trustfabric:governance:")}
    for resource in graph.custom_resources:
        if not resource.type.startswith("pulumi:providers:"):
            assert resource.parent in parents, resource.name


def test_severity_floor_widens_the_pattern():
    assert json.loads(finding_pattern("Low"))["detail"]["severity"]["description"] == ["Low", "Medium", "High"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"bucket_names": ()}, "CellMacie: bucket_names: must not be empty"),
        ({"schedule": "hourly"}, "CellMacie: schedule: 'hourly' is not allowed; allowed: daily, weekly, monthly"),
        ({"sampling_percentage": 0}, "CellMacie: sampling_percentage: 0 is out of range; allowed: 1..100"),
        (
            {"alert_severity": "Critical"},
            "CellMacie: alert_severity: 'Critical' is not allowed; allowed: Low, Medium, High",
        ),
        (
            {"region": "us-east-1"},
            "CellMacie: region: region 'us-east-1' is outside UK's allowed regions; allowed: eu-west-2, eu-west-1",
        ),
    ],
)
def test_bad_macie_arguments_are_refused_with_exact_messages(change, message):
    with pytest.raises(ValueError) as error:
        validate_args(dataclasses.replace(ARGS, **change))
    assert str(error.value) == message


def test_bad_ledger_arguments_are_refused_with_exact_messages():
    args = ErasureLedgerArgs(deployment="prod", cell="uk", jurisdiction="UK", region="eu-west-2", kms_key_arn="k")
    with pytest.raises(ValueError) as error:
        validate_ledger(dataclasses.replace(args, replica_region="eu-west-1"))
    assert str(error.value) == (
        "ErasureLedger: replica_kms_key_arn: required with replica_region; allowed: the data key's replica in eu-west-1"
    )
    with pytest.raises(ValueError) as error:
        validate_ledger(dataclasses.replace(args, replica_region="eu-west-2", replica_kms_key_arn="k"))
    assert str(error.value) == (
        "ErasureLedger: replica_region: 'eu-west-2' is the table's own region; allowed: the jurisdiction's paired region"
    )
