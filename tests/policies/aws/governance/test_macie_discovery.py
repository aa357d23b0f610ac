"""aws-macie-discovery-buckets-classified: buckets whose class needs discovery are listed by a running scheduled job
in their region, with Macie enabled there."""

from __future__ import annotations

import pytest

from policies.aws.governance.macie_discovery import POLICY
from tests.policies.harness import UNKNOWN, evaluate, graph_of, resource, run_snippet
from tests.policies.programs import details

PROGRAM = """
import pulumi
import pulumi_aws as aws

uk = aws.Provider("uk", region="eu-west-2")
opts = pulumi.ResourceOptions(provider=uk)
for name, data_class in (("records", "statutory-record"), ("profiles", "personal-data"), ("logs", "operational-log")):
    aws.s3.Bucket(name, bucket=name, tags={"data-class": data_class}, opts=opts)
aws.s3.Bucket("plain", bucket="plain", opts=opts)

def account(status="ENABLED"):
    aws.macie2.Account("macie", status=status, opts=opts)

def job(buckets, job_type="SCHEDULED", status="RUNNING", provider=uk):
    aws.macie2.ClassificationJob("job", job_type=job_type, job_status=status,
        schedule_frequency=aws.macie2.ClassificationJobScheduleFrequencyArgs(daily_schedule=True),
        s3_job_definition=aws.macie2.ClassificationJobS3JobDefinitionArgs(bucket_definitions=[
            aws.macie2.ClassificationJobS3JobDefinitionBucketDefinitionArgs(account_id="123456789012", buckets=buckets)]),
        opts=pulumi.ResourceOptions(provider=provider))

{body}
"""
NOT_LISTED = (
    "S3 bucket '{0}' ({1}) is not listed by a scheduled, running Macie classification job in eu-west-2; add it to the "
    "cell's job (CellMacie bucket_names)."
)


def program(tmp_path, body):
    return run_snippet(tmp_path, PROGRAM.replace("{body}", body))


def test_discovery_buckets_in_a_running_job_pass(tmp_path):
    assert evaluate(POLICY, program(tmp_path, 'account(); job(["records", "profiles"])')) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('account(); job(["records"])', [("profiles", NOT_LISTED.format("profiles", "personal-data"))]),
        (
            'account(); job(["records", "profiles"], job_type="ONE_TIME")',
            [
                ("profiles", NOT_LISTED.format("profiles", "personal-data")),
                ("records", NOT_LISTED.format("records", "statutory-record")),
            ],
        ),
        (
            'account(); job(["records", "profiles"], status="USER_PAUSED")',
            [
                ("profiles", NOT_LISTED.format("profiles", "personal-data")),
                ("records", NOT_LISTED.format("records", "statutory-record")),
            ],
        ),
        (
            'account(); job(["records", "profiles"], provider=aws.Provider("uk2", region="eu-west-1"))',
            [
                ("profiles", NOT_LISTED.format("profiles", "personal-data")),
                ("records", NOT_LISTED.format("records", "statutory-record")),
            ],
        ),
        (
            'account("PAUSED"); job(["records", "profiles"])',
            [
                (
                    name,
                    f"S3 bucket '{name}' ({data_class}) is in eu-west-2, where the stack does not enable Macie; declare "
                    "an aws.macie2.Account with status ENABLED there.",
                )
                for name, data_class in (("profiles", "personal-data"), ("records", "statutory-record"))
            ],
        ),
    ],
)
def test_every_way_to_leave_a_bucket_unscanned(tmp_path, body, expected):
    assert details(evaluate(POLICY, program(tmp_path, body))) == expected


def test_unknown_bucket_lists_are_never_a_pass():
    bucket = resource("aws:s3/bucket:Bucket", {"bucket": "r", "tags": {"data-class": "statutory-record"}}, name="r")
    account = resource("aws:macie2/account:Account", {"status": "ENABLED"}, name="macie")
    job = resource(
        "aws:macie2/classificationJob:ClassificationJob",
        {"jobType": "SCHEDULED", "s3JobDefinition": {"bucketDefinitions": [{"accountId": "1", "buckets": UNKNOWN}]}},
        name="job",
    )
    assert [d.detail for d in evaluate(POLICY, graph_of(bucket, account, job))] == [
        "S3 bucket 'r' (statutory-record): a Macie job's buckets in eu-west-2 are not known during preview; its "
        "discovery cannot be proven."
    ]
