"""The approval gate drill against moto: the gate's real definition runs in moto's Step Functions interpreter
against moto's SageMaker model packages. Register a version, approve it, and the gate rejects it (wrong approver,
no evaluation, below a threshold) or passes it (`gate=passed`), publishing its decision.

Two things moto does differently from AWS, each bridged here and nowhere else:

- moto records no IAM identity in a package's `LastModifiedBy`; `approve` sets the one SageMaker records for the
  principal that called UpdateModelPackage (an assumed-role session ARN);
- moto's interpreter hands `aws-sdk:s3:getObject`'s Body to the next step as a stream (AWS gives the text), so
  the threshold cases replace only the `ReadEvaluation` state by a Pass state holding the evaluation record that
  step would read. The missing-record case runs the real state.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.sagemaker.models import sagemaker_backends

from components.modelops.definitions import approval_gate_definition

REGION = "eu-west-2"
GROUP = "trustfabric-prod-uk-tax-computation"
LINEAGE = "trustfabric-prod-uk-ml-lineage-eu-west-2"
APPROVER = "trustfabric-prod-uk-model-approver"


class Drill:
    def __init__(self) -> None:
        self.sagemaker = boto3.client("sagemaker", region_name=REGION)
        self.s3 = boto3.client("s3", region_name=REGION)
        self.sfn = boto3.client("stepfunctions", region_name=REGION)
        self.account = boto3.client("sts", region_name=REGION).get_caller_identity()["Account"]
        self.sagemaker.create_model_package_group(ModelPackageGroupName=GROUP)
        self.s3.create_bucket(Bucket=LINEAGE, CreateBucketConfiguration={"LocationConstraint": REGION})

    def register(self) -> str:
        """A new version, registered as every pipeline registers one."""
        return str(
            self.sagemaker.create_model_package(
                ModelPackageGroupName=GROUP,
                ModelApprovalStatus="PendingManualApproval",
                InferenceSpecification={
                    "Containers": [{"Image": f"{self.account}.dkr.ecr.{REGION}.amazonaws.com/trustfabric/serving:1"}],
                    "SupportedContentTypes": ["application/json"],
                    "SupportedResponseMIMETypes": ["application/json"],
                },
            )["ModelPackageArn"]
        )

    def approve(self, arn: str, role: str) -> None:
        self.sagemaker.update_model_package(ModelPackageArn=arn, ModelApprovalStatus="Approved")
        session = f"arn:aws:sts::{self.account}:assumed-role/{role}/alice"
        package = next(p for p in sagemaker_backends[self.account][REGION].model_packages.values() if p.arn == arn)
        package.last_modified_by = {"IamIdentity": {"Arn": session}}

    def gate(self, evaluation: dict[str, Any] | None = None) -> str:
        definition = json.loads(
            approval_gate_definition(
                approver_session_pattern=f"arn:aws:sts::{self.account}:assumed-role/{APPROVER}/*",
                lineage_bucket=LINEAGE,
                thresholds={GROUP: {"accuracy": 0.99, "f1": 0.9}},
            )
        )
        if evaluation is not None:
            read = definition["States"]["ReadEvaluation"]
            definition["States"]["ReadEvaluation"] = {
                "Type": "Pass",
                "Result": {"metrics": evaluation},
                "ResultPath": read["ResultPath"],
                "Next": read["Next"],
            }
        name = f"gate-{len(self.sfn.list_state_machines()['stateMachines'])}"
        role = f"arn:aws:iam::{self.account}:role/trustfabric-prod-uk-model-approval-gate"
        return str(
            self.sfn.create_state_machine(name=name, definition=json.dumps(definition), roleArn=role)["stateMachineArn"]
        )

    def run(self, machine: str, arn: str) -> dict[str, Any]:
        """The gate on the state-change event of `arn`, as EventBridge delivers it (the package's description as
        its detail); returns the execution."""
        package = self.sagemaker.describe_model_package(ModelPackageName=arn)
        detail = {key: package[key] for key in ("ModelPackageArn", "ModelPackageGroupName", "ModelApprovalStatus")}
        if package.get("CustomerMetadataProperties"):
            detail["CustomerMetadataProperties"] = package["CustomerMetadataProperties"]
        event = {"source": "aws.sagemaker", "detail-type": "SageMaker Model Package State Change", "detail": detail}
        execution = self.sfn.start_execution(stateMachineArn=machine, input=json.dumps(event))["executionArn"]
        for _ in range(600):
            described = self.sfn.describe_execution(executionArn=execution)
            if described["status"] != "RUNNING":
                return dict(described)
            time.sleep(0.1)
        raise AssertionError("the gate did not finish")

    def status(self, arn: str) -> tuple[str, str | None, dict[str, str]]:
        package = self.sagemaker.describe_model_package(ModelPackageName=arn)
        return (
            package["ModelApprovalStatus"],
            package.get("ApprovalDescription"),
            package.get("CustomerMetadataProperties") or {},
        )


@pytest.fixture
def drill() -> Iterator[Drill]:
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        yield Drill()


def test_a_pending_version_is_left_alone(drill):
    arn = drill.register()
    assert drill.run(drill.gate(), arn)["status"] == "SUCCEEDED"
    assert drill.status(arn) == ("PendingManualApproval", None, {})


def test_an_approval_by_another_role_is_rejected(drill):
    arn = drill.register()
    drill.approve(arn, "trustfabric-prod-uk-deploy")
    assert drill.run(drill.gate(), arn)["status"] == "SUCCEEDED"
    assert drill.status(arn)[:2] == (
        "Rejected",
        "approved by a principal that is not the cell's model-approver role",
    )


def test_an_approval_without_an_evaluation_record_is_rejected(drill):
    arn = drill.register()
    drill.approve(arn, APPROVER)
    assert drill.run(drill.gate(), arn)["status"] == "SUCCEEDED"
    assert drill.status(arn)[:2] == ("Rejected", "no evaluation record for this version in the lineage store")


@pytest.mark.parametrize(
    "evaluation",
    [{"accuracy": 0.985, "f1": 0.95}, {"accuracy": 0.995}, {"accuracy": "0.995", "f1": 0.95}],
    ids=["below-threshold", "metric-missing", "not-a-number"],
)
def test_a_version_below_its_thresholds_is_rejected(drill, evaluation):
    arn = drill.register()
    drill.approve(arn, APPROVER)
    execution = drill.run(drill.gate(evaluation), arn)
    assert execution["status"] == "SUCCEEDED"
    assert drill.status(arn)[:2] == ("Rejected", "an evaluation metric is missing or below its threshold")
    assert json.loads(execution["output"])["FailedEntryCount"] == 0  # the decision was published


def test_a_version_meeting_its_thresholds_passes_the_gate(drill):
    arn = drill.register()
    drill.approve(arn, APPROVER)
    execution = drill.run(drill.gate({"accuracy": 0.995, "f1": 0.95}), arn)
    assert execution["status"] == "SUCCEEDED"
    status, _, metadata = drill.status(arn)
    assert status == "Approved"
    assert metadata["gate"] == "passed"
    assert metadata["gate-execution"] == execution["executionArn"]
    # The gate's own update announces a change too; on that event the gate does nothing more.
    assert drill.run(drill.gate(), arn)["status"] == "SUCCEEDED"
    assert drill.status(arn)[0] == "Approved"
