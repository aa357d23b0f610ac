"""`trustfabric audit security` against moto: drift in a live account, same Findings and formats as the gate."""

from __future__ import annotations

import datetime as dt
import json
import socket

import boto3
import pytest
from moto import mock_aws
from moto.server import ThreadedMotoServer

from trustfabric.audit import audit_security
from trustfabric.cli import main

REGIONS = ["eu-west-2", "eu-west-1"]


@pytest.fixture(autouse=True)
def credentials(monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "eu-west-2",
    }.items():
        monkeypatch.setenv(name, value)


def drifted_account() -> dict[str, str]:
    """A key without rotation, a rotating key, an unencrypted-by-CMK bucket, a CMK bucket, a user with a key,
    and a single-region trail without validation."""
    kms = boto3.client("kms", region_name="eu-west-2")
    stale_key = kms.create_key(Description="hand-made")["KeyMetadata"]["KeyId"]
    good_key = kms.create_key(Description="declared")["KeyMetadata"]
    kms.enable_key_rotation(KeyId=good_key["KeyId"])
    s3 = boto3.client("s3", region_name="eu-west-2")
    location = {"LocationConstraint": "eu-west-2"}
    s3.create_bucket(Bucket="handmade-exports", CreateBucketConfiguration=location)
    s3.put_bucket_encryption(
        Bucket="handmade-exports",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.create_bucket(Bucket="uk-records", CreateBucketConfiguration=location)
    s3.put_bucket_encryption(
        Bucket="uk-records",
        ServerSideEncryptionConfiguration={
            "Rules": [
                {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": good_key["Arn"]}}
            ]
        },
    )
    iam = boto3.client("iam", region_name="eu-west-2")
    iam.create_user(UserName="legacy-ci")
    access_key = iam.create_access_key(UserName="legacy-ci")["AccessKey"]["AccessKeyId"]
    s3.create_bucket(Bucket="trail-logs", CreateBucketConfiguration=location)
    boto3.client("cloudtrail", region_name="eu-west-2").create_trail(Name="local-trail", S3BucketName="trail-logs")
    return {"stale_key": stale_key, "access_key": access_key}


@mock_aws
def test_drift_is_reported_with_exact_messages():
    ids = drifted_account()
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=120)
    result = audit_security(REGIONS, now=later)
    messages = sorted((f.policy, f.enforcement, f.message) for f in result.findings)
    assert messages == sorted(
        [
            (
                "audit-kms-key-rotation",
                "mandatory",
                f"KMS key {ids['stale_key']} in eu-west-2 does not rotate; enable automatic rotation.",
            ),
            (
                "audit-s3-bucket-encryption",
                "mandatory",
                "S3 bucket handmade-exports uses SSE-S3 (AES256), not a customer-managed KMS key.",
            ),
            (
                "audit-s3-bucket-encryption",
                "mandatory",
                "S3 bucket trail-logs uses SSE-S3 (AES256), not a customer-managed KMS key.",
            )
            if _moto_defaults_to_sse_s3()
            else (
                "audit-s3-bucket-encryption",
                "mandatory",
                "S3 bucket trail-logs has no default encryption; set SSE-KMS with the cell's data key.",
            ),
            ("audit-iam-user-present", "advisory", "IAM user legacy-ci exists outside the baseline."),
            (
                "audit-iam-access-key-age",
                "mandatory",
                f"Access key {ids['access_key']} of IAM user legacy-ci is 120 days old (limit 90); rotate it away.",
            ),
            (
                "audit-cloudtrail-validation",
                "mandatory",
                "CloudTrail trail local-trail is not multi-region and has no log file validation.",
            ),
            ("audit-cloudtrail-present", "mandatory", "No CloudTrail trail records eu-west-1."),
        ]
    )
    assert all(f.source == "audit" and f.controls for f in result.findings)


def _moto_defaults_to_sse_s3() -> bool:
    s3 = boto3.client("s3", region_name="eu-west-2")
    s3.create_bucket(Bucket="probe-default-encryption", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    try:
        s3.get_bucket_encryption(Bucket="probe-default-encryption")
        return True
    except s3.exceptions.ClientError:
        return False
    finally:
        s3.delete_bucket(Bucket="probe-default-encryption")


@mock_aws
def test_a_clean_account_has_no_mandatory_findings():
    kms = boto3.client("kms", region_name="eu-west-2")
    key = kms.create_key()["KeyMetadata"]
    kms.enable_key_rotation(KeyId=key["KeyId"])
    s3 = boto3.client("s3", region_name="eu-west-2")
    s3.create_bucket(Bucket="org-trail-logs", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    s3.put_bucket_encryption(
        Bucket="org-trail-logs",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key["Arn"]}}]
        },
    )
    boto3.client("cloudtrail", region_name="eu-west-2").create_trail(
        Name="org-trail", S3BucketName="org-trail-logs", IsMultiRegionTrail=True, EnableLogFileValidation=True
    )
    result = audit_security(REGIONS)
    assert [f for f in result.findings if f.is_mandatory] == []
    assert result.resources_checked == 3


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_cli_against_a_moto_server_exits_1_with_the_gate_json_shape(capsys):
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    capsys.readouterr()  # the server announces itself on stdout
    try:
        endpoint = f"http://127.0.0.1:{port}"
        kms = boto3.client("kms", region_name="eu-west-2", endpoint_url=endpoint)
        key_id = kms.create_key()["KeyMetadata"]["KeyId"]
        with pytest.raises(SystemExit) as exit_info:
            main(["audit", "security", "--region", "eu-west-2", "--endpoint-url", endpoint, "--format", "json"])
        captured = capsys.readouterr()
        assert captured.err == "", captured.err
        report = json.loads(captured.out)
    finally:
        server.stop()
    assert exit_info.value.code == 1
    assert list(report)[:3] == ["stack", "resources", "violations"]
    rotation = [v for v in report["violations"] if v["policy"] == "audit-kms-key-rotation"]
    assert [v["resource"]["name"] for v in rotation] == [key_id]
    assert rotation[0]["controls"] == ["SOC2 CC6.1", "ISO27001:2022 A.8.24", "CIS-AWS-3.0 3.6"]


def test_bad_format_is_one_line_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["audit", "security", "--format", "xml"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err == "error: --format: 'xml' is not allowed; allowed: text, json, sarif\n"


@mock_aws
def test_sarif_points_every_finding_at_an_existing_baseline_file_and_validates(capsys):
    from trustfabric.paths import REPO_ROOT
    from trustfabric.report.sarif import SRCROOT, sarif_validator

    drifted_account()
    with pytest.raises(SystemExit) as exit_info:
        main(["audit", "security", "--region", "eu-west-2", "--region", "eu-west-1", "--format", "sarif"])
    assert exit_info.value.code == 1
    log = json.loads(capsys.readouterr().out)
    assert [error.message for error in sarif_validator().iter_errors(log)] == []
    [run] = log["runs"]
    assert run["originalUriBaseIds"][SRCROOT]["uri"] == REPO_ROOT.resolve().as_uri() + "/"
    where = {}
    for result in run["results"]:
        physical = result["locations"][0]["physicalLocation"]
        assert "region" not in physical  # drift is about the account, not a line of the program
        assert physical["artifactLocation"]["uriBaseId"] == SRCROOT
        assert (REPO_ROOT / physical["artifactLocation"]["uri"]).is_file()
        where[result["ruleId"]] = physical["artifactLocation"]["uri"]
    assert where == {
        "audit-kms-key-rotation": "components/security/kms.py",
        "audit-s3-bucket-encryption": "components/storage/secure_bucket.py",
        "audit-iam-user-present": "policies/aws/iam/user_not_used.py",
        "audit-cloudtrail-validation": "components/security/audit_trail.py",
        "audit-cloudtrail-present": "components/security/audit_trail.py",
    }
