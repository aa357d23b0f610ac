"""aws-sagemaker-endpoint-config-encrypted-cmk, aws-sagemaker-model-network-isolated and
aws-sagemaker-notebook-locked-down: fixtures both ways, unknown values decided."""

from __future__ import annotations

import pytest

from policies.aws.sagemaker.endpoint_config_encrypted_cmk import POLICY as ENDPOINT_CMK
from policies.aws.sagemaker.model_network_isolated import POLICY as MODEL_ISOLATED
from policies.aws.sagemaker.notebook_locked_down import POLICY as NOTEBOOK_LOCKED
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

ENDPOINTS_COMPLIANT = """
import pulumi_aws as aws
key = aws.kms.Key("data-key")
aws.sagemaker.EndpointConfiguration("capturing", kms_key_arn=key.arn,
    production_variants=[{"variant_name": "live", "model_name": "m", "instance_type": "ml.m5.xlarge",
                          "initial_instance_count": 1}],
    data_capture_config={"enable_capture": True, "initial_sampling_percentage": 100,
                         "destination_s3_uri": "s3://b/capture/", "kms_key_id": key.arn,
                         "capture_options": [{"capture_mode": "Input"}]})
aws.sagemaker.EndpointConfiguration("not-capturing", kms_key_arn=key.arn,
    production_variants=[{"variant_name": "live", "model_name": "m", "instance_type": "ml.m5.xlarge",
                          "initial_instance_count": 1}],
    data_capture_config={"enable_capture": False, "initial_sampling_percentage": 100,
                         "destination_s3_uri": "s3://b/capture/", "capture_options": [{"capture_mode": "Input"}]})
aws.sagemaker.EndpointConfiguration("public", tags={"data-classification": "public"},
    production_variants=[{"variant_name": "live", "model_name": "m", "instance_type": "ml.m5.xlarge",
                          "initial_instance_count": 1}])
"""

ENDPOINTS_BROKEN = """
import pulumi_aws as aws
key = aws.kms.Key("data-key")
aws.sagemaker.EndpointConfiguration("no-key",
    production_variants=[{"variant_name": "live", "model_name": "m", "instance_type": "ml.m5.xlarge",
                          "initial_instance_count": 1}])
aws.sagemaker.EndpointConfiguration("capture-unencrypted", kms_key_arn=key.arn,
    production_variants=[{"variant_name": "live", "model_name": "m", "instance_type": "ml.m5.xlarge",
                          "initial_instance_count": 1}],
    data_capture_config={"enable_capture": True, "initial_sampling_percentage": 100,
                         "destination_s3_uri": "s3://b/capture/", "capture_options": [{"capture_mode": "Input"}]})
aws.sagemaker.EndpointConfiguration("aws-managed", kms_key_arn="alias/aws/sagemaker",
    tags={"data-classification": "restricted"},
    production_variants=[{"variant_name": "live", "model_name": "m", "instance_type": "ml.m5.xlarge",
                          "initial_instance_count": 1}])
"""

ENDPOINTS_EXPECTED = {
    "no-key": "SageMaker endpoint configuration 'no-key' holds unclassified data (treated as confidential) but is "
    "not encrypted with a customer-managed KMS key; set kms_key_arn to the cell's data key.",
    "capture-unencrypted": "SageMaker endpoint configuration 'capture-unencrypted' captures data: it holds "
    "unclassified data (treated as confidential) but is not encrypted with a customer-managed KMS key; set "
    "data_capture_config.kms_key_id to the cell's data key.",
    "aws-managed": "SageMaker endpoint configuration 'aws-managed' holds restricted data but uses the AWS-managed "
    "key 'alias/aws/sagemaker'; set kms_key_arn to the cell's data key (a customer-managed KMS key).",
}

MODELS = """
import pulumi_aws as aws
vpc = {"subnets": ["subnet-1"], "security_group_ids": ["sg-1"]}
aws.sagemaker.Model("isolated", execution_role_arn="arn:aws:iam::123456789012:role/r",
    primary_container={"image": "i"}, enable_network_isolation=True, vpc_config=vpc)
aws.sagemaker.Model("open", execution_role_arn="arn:aws:iam::123456789012:role/r",
    primary_container={"image": "i"}, vpc_config=vpc)
aws.sagemaker.Model("outside-vpc", execution_role_arn="arn:aws:iam::123456789012:role/r",
    primary_container={"image": "i"}, enable_network_isolation=True)
"""

MODELS_EXPECTED = {
    "open": "SageMaker model 'open' is not network-isolated; set enable_network_isolation=True.",
    "outside-vpc": "SageMaker model 'outside-vpc' runs outside the cell's VPC (no vpc_config.subnets); set "
    "vpc_config with the cell's private subnets and a security group.",
}

NOTEBOOKS = """
import pulumi_aws as aws
key = aws.kms.Key("data-key")
aws.sagemaker.NotebookInstance("locked", role_arn="arn:aws:iam::123456789012:role/r", instance_type="ml.t3.medium",
    direct_internet_access="Disabled", root_access="Disabled", subnet_id="subnet-1", security_groups=["sg-1"],
    kms_key_id=key.arn)
aws.sagemaker.NotebookInstance("defaults", role_arn="arn:aws:iam::123456789012:role/r", instance_type="ml.t3.medium")
"""


def by_name(diagnostics):
    found: dict[str, list[str]] = {}
    for diagnostic in diagnostics:
        found.setdefault(diagnostic.urn.rsplit("::", 1)[1], []).append(diagnostic.detail)
        assert diagnostic.enforcement == "mandatory"
    return found


def test_compliant_endpoint_configurations_pass(tmp_path):
    assert evaluate(ENDPOINT_CMK, run_snippet(tmp_path, ENDPOINTS_COMPLIANT)) == []


@pytest.fixture(scope="module")
def broken_endpoints(tmp_path_factory):
    graph = run_snippet(tmp_path_factory.mktemp("endpoints"), ENDPOINTS_BROKEN)
    return by_name(evaluate(ENDPOINT_CMK, graph))


@pytest.mark.parametrize(("name", "detail"), ENDPOINTS_EXPECTED.items(), ids=ENDPOINTS_EXPECTED.keys())
def test_each_way_to_break_an_endpoint_configuration(broken_endpoints, name, detail):
    assert broken_endpoints[name] == [detail]


def test_nothing_else_is_reported_for_endpoints(broken_endpoints):
    assert sorted(broken_endpoints) == sorted(ENDPOINTS_EXPECTED)


def test_an_unknown_endpoint_key_is_never_a_pass():
    graph = resource("aws:sagemaker/endpointConfiguration:EndpointConfiguration", {"kmsKeyArn": UNKNOWN}, name="c")
    [diagnostic] = evaluate(ENDPOINT_CMK, graph)
    assert diagnostic.detail == (
        "SageMaker endpoint configuration 'c' holds unclassified data (treated as confidential) and kms_key_arn is "
        "not known during preview; set it literally to the cell's data key (a customer-managed KMS key)."
    )


def test_models_isolated_in_a_vpc_pass_and_others_are_named(tmp_path):
    found = by_name(evaluate(MODEL_ISOLATED, run_snippet(tmp_path, MODELS)))
    assert found == {name: [detail] for name, detail in MODELS_EXPECTED.items()}


def test_unknown_isolation_is_never_a_pass():
    graph = resource(
        "aws:sagemaker/model:Model",
        {"enableNetworkIsolation": UNKNOWN, "vpcConfig": {"subnets": ["s"], "securityGroupIds": ["g"]}},
        name="m",
    )
    [diagnostic] = evaluate(MODEL_ISOLATED, graph)
    assert diagnostic.detail == (
        "SageMaker model 'm': enable_network_isolation is not known during preview; set it to True literally."
    )


def test_notebooks_need_everything_disabled_explicitly(tmp_path):
    found = by_name(evaluate(NOTEBOOK_LOCKED, run_snippet(tmp_path, NOTEBOOKS)))
    assert found == {
        "defaults": [
            "SageMaker notebook instance 'defaults' has direct_internet_access enabled (AWS's default when unset); "
            'set direct_internet_access="Disabled".',
            "SageMaker notebook instance 'defaults' has root_access enabled (AWS's default when unset); "
            'set root_access="Disabled".',
            "SageMaker notebook instance 'defaults' is not in a VPC; set subnet_id to one of the cell's private "
            "subnets.",
            "SageMaker notebook instance 'defaults' holds unclassified data (treated as confidential) but is not "
            "encrypted with a customer-managed KMS key; set kms_key_id to the cell's data key.",
        ]
    }
