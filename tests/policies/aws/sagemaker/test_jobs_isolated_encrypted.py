"""aws-sagemaker-jobs-isolated-encrypted: monitoring job definitions and the jobs state machines create."""

from __future__ import annotations

import json

from policies.aws.sagemaker.jobs_isolated_encrypted import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

JOB_DEFINITIONS = """
import pulumi_aws as aws
def definition(name, isolated=True, vpc=True, volume_key="arn:aws:kms:eu-west-2:1:key/k", output_key="arn:aws:kms:eu-west-2:1:key/k"):
    aws.sagemaker.DataQualityJobDefinition(name, role_arn="arn:aws:iam::1:role/r",
        data_quality_app_specification={"image_uri": "i"},
        data_quality_job_input={"endpoint_input": {"endpoint_name": "e"}},
        data_quality_job_output_config={"kms_key_id": output_key,
            "monitoring_outputs": {"s3_output": {"s3_uri": "s3://b/m/", "local_path": "/opt/ml/processing/output"}}},
        job_resources={"cluster_config": {"instance_count": 1, "instance_type": "ml.m5.xlarge", "volume_size_in_gb": 20,
                                          "volume_kms_key_id": volume_key}},
        network_config={"enable_network_isolation": isolated,
                        "vpc_config": {"subnets": ["s"], "security_group_ids": ["g"]} if vpc else None})
definition("good")
definition("open", isolated=False, vpc=False)
definition("plain", volume_key=None, output_key=None)
"""

TRAINING = {
    "Type": "Task",
    "Resource": "arn:aws:states:::sagemaker:createTrainingJob.sync",
    "Parameters": {
        "EnableNetworkIsolation": True,
        "VpcConfig": {"Subnets": ["s"], "SecurityGroupIds": ["g"]},
        "ResourceConfig": {"VolumeKmsKeyId": "k"},
        "OutputDataConfig": {"KmsKeyId": "k"},
    },
    "End": True,
}
PROCESSING = {
    "Type": "Task",
    "Resource": "arn:aws:states:::aws-sdk:sagemaker:createProcessingJob",
    "Parameters": {
        "NetworkConfig.$": "$.network",
        "ProcessingResources": {"ClusterConfig": {"VolumeKmsKeyId": "k"}},
        "ProcessingOutputConfig": {},
    },
    "End": True,
}


def machine(states: dict) -> str:
    return json.dumps({"StartAt": next(iter(states)), "States": states})


def test_job_definitions(tmp_path):
    found = sorted(d.detail for d in evaluate(POLICY, run_snippet(tmp_path, JOB_DEFINITIONS)))
    assert found == [
        "SageMaker job definition 'open' does not set network_config.enable_network_isolation=True; set it.",
        "SageMaker job definition 'open' has no network_config.vpc_config; set it.",
        "SageMaker job definition 'plain' has no data_quality_job_output_config.kms_key_id; set it.",
        "SageMaker job definition 'plain' has no job_resources.cluster_config.volume_kms_key_id; set it.",
    ]


def test_state_machines_creating_jobs(tmp_path):
    map_state = {
        "Type": "Map",
        "ItemProcessor": {"StartAt": "Process", "States": {"Process": PROCESSING}},
        "End": True,
    }
    good = resource("aws:sfn/stateMachine:StateMachine", {"definition": machine({"Train": TRAINING})}, name="good")
    assert evaluate(POLICY, good) == []
    broken = resource("aws:sfn/stateMachine:StateMachine", {"definition": machine({"Each": map_state})}, name="bad")
    assert sorted(d.detail for d in evaluate(POLICY, broken)) == [
        "State machine 'bad' state Each.Process (createProcessingJob) has no ProcessingOutputConfig.KmsKeyId; set it.",
        "State machine 'bad' state Each.Process (createProcessingJob) takes NetworkConfig.EnableNetworkIsolation "
        "from the input, which cannot be proven; set it literally.",
        "State machine 'bad' state Each.Process (createProcessingJob) takes NetworkConfig.VpcConfig from the input, "
        "which cannot be proven; set it literally.",
    ]
    open_training = {**TRAINING, "Parameters": {**TRAINING["Parameters"], "EnableNetworkIsolation": False}}
    graph = resource("aws:sfn/stateMachine:StateMachine", {"definition": machine({"T": open_training})}, name="t")
    assert [d.detail for d in evaluate(POLICY, graph)] == [
        "State machine 't' state T (createTrainingJob) does not set EnableNetworkIsolation: true."
    ]


def test_unknowns_are_decided():
    # A job definition's unknown setting is a violation; an unknown state machine definition is judged when known.
    graph = resource(
        "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition",
        {
            "networkConfig": {"enableNetworkIsolation": UNKNOWN, "vpcConfig": {"subnets": ["s"]}},
            "jobResources": {"clusterConfig": {"volumeKmsKeyId": "k"}},
            "dataQualityJobOutputConfig": {"kmsKeyId": "k"},
        },
        name="d",
    )
    assert [d.detail for d in evaluate(POLICY, graph)] == [
        "SageMaker job definition 'd': network_config.enable_network_isolation is not known during preview; "
        "set it literally."
    ]
    assert evaluate(POLICY, resource("aws:sfn/stateMachine:StateMachine", {"definition": UNKNOWN}, name="m")) == []
