"""The ModelOps stack policies: GA monitoring footprint, group reach, store lock, capture residency; fixtures both
ways on real programs, with the cell's tags as the provider's default tags (as the stacks set them)."""

from __future__ import annotations

import json

import pytest

import domain.tags
from policies.aws.sagemaker.data_capture_resident import POLICY as CAPTURE_RESIDENT
from policies.aws.sagemaker.ga_model_monitored import POLICY as GA_MONITORED
from policies.aws.sagemaker.model_package_group_cell_only import POLICY as GROUP_CELL_ONLY
from policies.aws.sagemaker.store_object_lock import POLICY as STORE_LOCK
from policies.lib import modelops
from tests.policies.harness import UNKNOWN, evaluate, graph_of, resource, run_snippet

CELL_TAGS = {
    "aws:defaultTags": {
        "tags": {
            "jurisdiction": "UK",
            "data-classification": "restricted",
            "owner": "ml",
            "stack": "prod",
            "cell": "uk",
        }
    }
}


def run(tmp_path, code):
    return run_snippet(tmp_path, code, config=CELL_TAGS)


def details(policy, graph, config=None):
    diagnostics = evaluate(policy, graph, config)
    assert all(d.enforcement == "mandatory" for d in diagnostics)
    return sorted(d.detail for d in diagnostics)


def test_the_pack_joins_on_the_tags_the_components_write():
    assert (modelops.MODEL_TAG, modelops.MODEL_GA_TAG, modelops.STORE_TAG) == (
        domain.tags.MODEL,
        domain.tags.MODEL_GA,
        domain.tags.MODELOPS_STORE,
    )


# --- GA monitoring footprint ------------------------------------------------------------------------------------

GA_FAMILY = """
import json
import pulumi_aws as aws
aws.sagemaker.ModelPackageGroup("tax", model_package_group_name="trustfabric-prod-uk-tax",
    tags={"model": "tax", "model-ga": "true"})
aws.sagemaker.ModelPackageGroup("anomaly", model_package_group_name="trustfabric-prod-uk-anomaly",
    tags={"model": "anomaly", "model-ga": "false"})
"""
SCHEDULE = """
aws.scheduler.Schedule("nightly", schedule_expression="cron(0 2 * * ? *)", flexible_time_window={"mode": "OFF"},
    target={"arn": "arn:aws:states:eu-west-2:123456789012:stateMachine:e", "role_arn": "arn:aws:iam::1:role/r",
            "input": json.dumps({"models": [{"name": "tax"}]})})
"""
MONITOR = """
aws.sagemaker.MonitoringSchedule("monitor", tags={"model": "tax"}, monitoring_schedule_config={
    "monitoring_type": "DataQuality", "monitoring_job_definition_name": "d",
    "schedule_config": {"schedule_expression": "cron(0 * ? * * *)"}})
"""
ALARM = """
aws.cloudwatch.MetricAlarm("drift", tags={"model": "tax"}, comparison_operator="GreaterThanThreshold",
    evaluation_periods=1, threshold=0.2, metric_name="FeatureDrift", namespace="TrustFabric/ModelOps",
    period=86400, statistic="Maximum", alarm_actions=[ACTIONS])
"""


def test_a_ga_family_with_its_footprint_passes(tmp_path):
    code = GA_FAMILY + SCHEDULE + MONITOR + ALARM.replace("ACTIONS", '"arn:aws:sns:eu-west-2:123456789012:t"')
    assert details(GA_MONITORED, run(tmp_path, code)) == []


def test_a_ga_family_without_monitoring_is_named_with_what_is_missing(tmp_path):
    # The alarm has no action; only the schedule exists. The non-GA family needs nothing.
    code = GA_FAMILY + SCHEDULE + ALARM.replace("alarm_actions=[ACTIONS]", "alarm_actions=[]")
    assert details(GA_MONITORED, run(tmp_path, code)) == [
        "GA model 'tax' (UK, group 'tax') has no drift monitor, no drift alarm with an action; declare it through "
        "components/modelops."
    ]


def test_a_schedule_of_another_jurisdiction_does_not_count(tmp_path):
    us_schedule = SCHEDULE.replace(
        'aws.scheduler.Schedule("nightly",',
        'us = aws.Provider("us", region="us-east-1", default_tags={"tags": {"jurisdiction": "US"}})\n'
        'aws.scheduler.Schedule("nightly", opts=pulumi.ResourceOptions(provider=us),',
    )
    code = "import pulumi\n" + GA_FAMILY + us_schedule + MONITOR
    code += ALARM.replace("ACTIONS", '"arn:aws:sns:eu-west-2:123456789012:t"')
    assert details(GA_MONITORED, run(tmp_path, code)) == [
        "GA model 'tax' (UK, group 'tax') has no evaluation schedule; declare it through components/modelops."
    ]


@pytest.mark.parametrize("known", [True, False], ids=["known", "unknown"])
def test_an_unknown_schedule_input_does_not_count(known):
    tags = {"jurisdiction": "UK", "model": "tax"}
    schedule_input = json.dumps({"models": [{"name": "tax"}]}) if known else UNKNOWN
    graph = graph_of(
        resource("aws:sagemaker/modelPackageGroup:ModelPackageGroup", {"tags": {**tags, "model-ga": "true"}}, name="g"),
        # Schedules take no tags; the wire-form tag stands in for the provider's default here.
        resource("aws:scheduler/schedule:Schedule", {"target": {"input": schedule_input}, "tags": tags}, name="s"),
        resource("aws:sagemaker/monitoringSchedule:MonitoringSchedule", {"tags": tags}, name="m"),
        resource("aws:cloudwatch/metricAlarm:MetricAlarm", {"tags": tags, "alarmActions": ["arn:t"]}, name="a"),
    )
    expected = "GA model 'tax' (UK, group 'g') has no evaluation schedule; declare it through components/modelops."
    assert details(GA_MONITORED, graph) == ([] if known else [expected])


# --- Group reach --------------------------------------------------------------------------------------------------


def group_policy(allowed: list[str], deny_pattern: str | None) -> str:
    statements = [
        {"Sid": "CellRoles", "Effect": "Allow", "Principal": {"AWS": allowed}, "Action": "sagemaker:*", "Resource": "*"}
    ]
    if deny_pattern is not None:
        statements.append(
            {
                "Sid": "DenyOutsideCell",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "sagemaker:*",
                "Resource": "*",
                "Condition": {"ArnNotLike": {"aws:PrincipalArn": deny_pattern}},
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


CELL_ROLE = "arn:aws:iam::123456789012:role/trustfabric-prod-uk-model-approver"
CELL_PATTERN = "arn:aws:iam::123456789012:role/trustfabric-prod-uk-*"

GROUPS = f"""
import pulumi_aws as aws
good = aws.sagemaker.ModelPackageGroup("good", model_package_group_name="trustfabric-prod-uk-good")
aws.sagemaker.ModelPackageGroupPolicy("good-policy", model_package_group_name=good.model_package_group_name,
    resource_policy={group_policy([CELL_ROLE], CELL_PATTERN)!r})
aws.sagemaker.ModelPackageGroup("bare", model_package_group_name="trustfabric-prod-uk-bare")
wide = aws.sagemaker.ModelPackageGroup("wide", model_package_group_name="trustfabric-prod-uk-wide")
aws.sagemaker.ModelPackageGroupPolicy("wide-policy", model_package_group_name="trustfabric-prod-uk-wide",
    resource_policy={group_policy([CELL_ROLE, "arn:aws:iam::123456789012:role/trustfabric-prod-eu-deploy", "*"], None)!r})
"""


def test_groups_admit_only_their_cells_roles(tmp_path):
    assert details(GROUP_CELL_ONLY, run(tmp_path, GROUPS)) == [
        "Model package group 'bare' has no resource policy; attach one admitting only the cell's roles.",
        "Model package group 'wide' is reachable beyond its cell: it allows *, "
        "arn:aws:iam::123456789012:role/trustfabric-prod-eu-deploy, outside the cell's roles (trustfabric-prod-uk-*).",
        "Model package group 'wide' is reachable beyond its cell: it does not deny principals outside the cell's "
        "roles (trustfabric-prod-uk-*).",
    ]


def test_an_unknown_group_policy_is_never_a_pass():
    group = resource(
        "aws:sagemaker/modelPackageGroup:ModelPackageGroup",
        {"modelPackageGroupName": "g", "tags": {"stack": "prod", "cell": "uk"}},
        name="g",
    )
    policy = resource(
        "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy",
        {"modelPackageGroupName": "g", "resourcePolicy": UNKNOWN},
        name="p",
    )
    assert details(GROUP_CELL_ONLY, graph_of(group, policy)) == [
        "Model package group 'g': its resource policy is not known during preview; build it from known role ARNs."
    ]


# --- Store lock ---------------------------------------------------------------------------------------------------

STORES = """
import pulumi_aws as aws
def store(name, lock=True, mode="COMPLIANCE", years=6):
    bucket = aws.s3.Bucket(name, bucket=f"trustfabric-prod-uk-ml-{name}-eu-west-2-123456789012",
                           object_lock_enabled=lock, tags={"modelops-store": name})
    if mode is not None:
        aws.s3.BucketObjectLockConfiguration(f"{name}-lock", bucket=bucket.id, object_lock_enabled="Enabled",
            rule={"default_retention": {"mode": mode, "years": years}})
store("lineage")
store("explain", mode="GOVERNANCE")
store("artefact", years=5)
store("nolock", lock=False, mode=None)
store("unconfigured", mode=None)
aws.s3.Bucket("other", object_lock_enabled=False)
"""


def test_stores_are_locked_in_compliance_mode_for_the_statutory_period(tmp_path):
    assert details(STORE_LOCK, run(tmp_path, STORES)) == [
        "ModelOps store 'artefact' (UK) is not locked for its statutory retention: it locks objects 1827 days, less "
        "than the statutory 2192; lock it in COMPLIANCE mode for 2192 days or more.",
        "ModelOps store 'explain' (UK) is not locked for its statutory retention: its default retention mode is "
        "'GOVERNANCE', not 'COMPLIANCE'; lock it in COMPLIANCE mode for 2192 days or more.",
        "ModelOps store 'nolock' (UK) does not enable object lock; create it with object_lock_enabled=True.",
        "ModelOps store 'unconfigured' (UK) has no object lock configuration; lock it in COMPLIANCE mode for 2192 "
        "days or more.",
    ]


# --- Capture residency --------------------------------------------------------------------------------------------

CAPTURE = """
import pulumi_aws as aws
lineage = aws.s3.Bucket("lineage", bucket="trustfabric-prod-uk-ml-lineage-eu-west-2-123456789012")
def config(name, uri):
    aws.sagemaker.EndpointConfiguration(name, kms_key_arn="arn:aws:kms:eu-west-2:1:key/k",
        production_variants=[{"variant_name": "live", "model_name": "m", "instance_type": "ml.m5.xlarge",
                              "initial_instance_count": 1}],
        data_capture_config={"enable_capture": True, "initial_sampling_percentage": 100, "destination_s3_uri": uri,
                             "kms_key_id": "arn:aws:kms:eu-west-2:1:key/k", "capture_options": [{"capture_mode": "Input"}]})
config("home", lineage.bucket.apply(lambda b: f"s3://{b}/capture/"))
config("abroad", "s3://trustfabric-prod-us-ml-lineage-us-east-1-123456789012/capture/")
config("nowhere", "s3://some-bucket/capture/")
"""


def test_capture_stays_in_the_jurisdiction(tmp_path):
    assert details(CAPTURE_RESIDENT, run(tmp_path, CAPTURE)) == [
        "SageMaker endpoint configuration 'abroad' (UK data) captures data to "
        "'s3://trustfabric-prod-us-ml-lineage-us-east-1-123456789012/capture/' in us-east-1, outside UK's allowed "
        "regions eu-west-2, eu-west-1; capture into the cell's lineage store.",
        "SageMaker endpoint configuration 'nowhere' (UK data) captures data to 's3://some-bucket/capture/', whose "
        "region is not known; declare the bucket in this stack or use one in eu-west-2, eu-west-1.",
    ]


@pytest.mark.parametrize("policy", [GA_MONITORED, CAPTURE_RESIDENT])
def test_stack_policies_are_silent_without_modelops_resources(tmp_path, policy):
    assert details(policy, run(tmp_path, "import pulumi_aws as aws\naws.s3.Bucket('b')\n")) == []
