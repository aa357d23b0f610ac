"""Audit trail: multi-Region trail, locked and encrypted buckets, Config, GuardDuty, Security Hub, alerts."""

from __future__ import annotations

import json

import pytest

from components.security.audit_trail import CONFIG_RULES, AuditTrailArgs, validate_args
from components.storage.secure_bucket import attach_object_lock
from domain.residency import JURISDICTIONS
from tests.components.helpers import only, refusal, statements
from trustfabric.engine import ACCOUNT_ID

LOGS_KEY = "urn:pulumi:{stack}::trust-fabric::trustfabric:stack:Cell$trustfabric:security:KmsKeyring$aws:kms/{kind}::{cell}-keyring-logs{suffix}"


def logs_key_urn(stack: str, cell: str) -> str:
    kind, suffix = ("replicaKey:ReplicaKey", "-replica") if stack == "dr" else ("key:Key", "")
    return LOGS_KEY.format(stack=stack, kind=kind, cell=cell, suffix=suffix)


def test_one_multi_region_trail_per_stack_with_validation_kms_and_cloudwatch(prod, dr, dev):
    for graph, stack in ((prod, "prod"), (dr, "dr"), (dev, "dev")):
        trails = graph.of_type("aws:cloudtrail/trail:Trail")
        assert len(trails) == 1
        trail = trails[0].props
        assert trail["isMultiRegionTrail"] is True
        assert trail["enableLogFileValidation"] is True
        assert trail["includeGlobalServiceEvents"] is True
        assert trails[0].property_dependencies["kmsKeyId"] == [logs_key_urn(stack, "uk")]
        assert trails[0].property_dependencies["cloudWatchLogsGroupArn"]
        group = only(graph, "aws:cloudwatch/logGroup:LogGroup", "uk-audit-trail-logs")
        assert group.props["retentionInDays"] == 400
        assert group.property_dependencies["kmsKeyId"] == [logs_key_urn(stack, "uk")]


def test_audit_bucket_is_locked_in_compliance_mode_for_the_statutory_period(prod):
    for code, jurisdiction in JURISDICTIONS.items():
        cell = code.lower()
        bucket = only(prod, "aws:s3/bucket:Bucket", f"{cell}-audit-bucket")
        assert bucket.props["objectLockEnabled"] is True
        assert bucket.props["bucket"] == f"tf-prod-{cell}-audit-trail-{ACCOUNT_ID}-{jurisdiction.primary_region}"
        lock = only(
            prod,
            "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
            f"{cell}-audit-bucket-object-lock",
        )
        retention = lock.props["rule"]["defaultRetention"]
        assert retention == {"mode": "COMPLIANCE", "days": jurisdiction.retention_days}
        assert bucket.options.get("protect") is True


SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"


@pytest.mark.parametrize("bucket", ["uk-audit-bucket", "uk-audit-access-logs"])
def test_both_buckets_are_versioned_blocked_and_tls_only(prod, bucket):
    versioning = only(prod, "aws:s3/bucketVersioning:BucketVersioning", f"{bucket}-versioning")
    assert versioning.props["versioningConfiguration"]["status"] == "Enabled"
    block = only(prod, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", f"{bucket}-public-access-block")
    assert all(
        block.props[flag] is True
        for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    )
    ownership = only(prod, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", f"{bucket}-ownership")
    assert ownership.props["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
    policy = only(prod, "aws:s3/bucketPolicy:BucketPolicy", f"{bucket}-policy")
    deny = statements(policy, "policy")["DenyInsecureTransport"]
    assert deny["Effect"] == "Deny" and deny["Principal"] == "*"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_audit_bucket_is_kms_encrypted_with_the_logs_key(prod):
    encryption = only(prod, SSE, "uk-audit-bucket-encryption")
    default = encryption.props["rules"][0]["applyServerSideEncryptionByDefault"]
    assert default["sseAlgorithm"] == "aws:kms"
    assert encryption.property_dependencies["rules"] == [logs_key_urn("prod", "uk")]


def test_access_log_buckets_use_sse_s3_are_classified_internal_and_unlocked(prod, dr):
    """S3 delivers server access logs only into SSE-S3 buckets without object lock (ADR 0006)."""
    for graph in (prod, dr):
        for code in JURISDICTIONS:
            name = f"{code.lower()}-audit-access-logs"
            bucket = only(graph, "aws:s3/bucket:Bucket", name)
            assert bucket.props["tags"] == {"data-classification": "internal"}
            assert bucket.props["objectLockEnabled"] is False
            assert [r.name for r in graph.of_type(SSE) if bucket.urn in r.property_dependencies.get("bucket", [])] == []
            assert not [r for r in graph if r.name == f"{name}-object-lock"]


def test_audit_bucket_expires_after_its_lock_and_every_lifecycle_aborts_incomplete_uploads(prod):
    for code, jurisdiction in JURISDICTIONS.items():
        cell = code.lower()
        (rule,) = only(prod, LIFECYCLE, f"{cell}-audit-bucket-lifecycle").props["rules"]
        assert rule["status"] == "Enabled"
        assert rule["expiration"]["days"] == jurisdiction.retention_days
        assert rule["noncurrentVersionExpiration"]["noncurrentDays"] == 30
        assert rule["abortIncompleteMultipartUpload"] == {"daysAfterInitiation": 7}
        (logs_rule,) = only(prod, LIFECYCLE, f"{cell}-audit-access-logs-lifecycle").props["rules"]
        assert logs_rule["expiration"]["days"] == 400
        assert logs_rule["abortIncompleteMultipartUpload"] == {"daysAfterInitiation": 7}


def test_trail_announces_log_files_on_an_encrypted_topic_only_it_may_publish_to(prod, dr, dev):
    for graph, stack in ((prod, "prod"), (dr, "dr"), (dev, "dev")):
        (trail,) = graph.of_type("aws:cloudtrail/trail:Trail")
        topic = only(graph, "aws:sns/topic:Topic", "uk-audit-trail-notifications")
        assert trail.property_dependencies["snsTopicName"] == [topic.urn]
        assert topic.props["name"] == f"trustfabric-{stack}-cloudtrail-log-files"
        assert topic.property_dependencies["kmsMasterKeyId"] == [logs_key_urn(stack, "uk")]
        policy = only(graph, "aws:sns/topicPolicy:TopicPolicy", "uk-audit-trail-notifications-policy")
        by_sid = statements(policy, "policy")
        publish = by_sid["CloudTrailPublish"]
        region = JURISDICTIONS["UK"].standby_region if stack == "dr" else JURISDICTIONS["UK"].primary_region
        assert publish["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
        assert publish["Action"] == "sns:Publish"
        assert publish["Condition"] == {
            "StringEquals": {"aws:SourceArn": f"arn:aws:cloudtrail:{region}:{ACCOUNT_ID}:trail/trustfabric-{stack}"}
        }
        assert by_sid["DenyInsecureTransport"]["Effect"] == "Deny"
        assert set(by_sid) == {"CloudTrailPublish", "DenyInsecureTransport"}  # no other principal is named
        assert policy.urn in trail.dependencies
        assert [t.name for t in graph.of_type("aws:sns/topic:Topic") if t.name.endswith("-trail-notifications")] == [
            "uk-audit-trail-notifications"
        ]


def test_cloudtrail_may_write_only_for_this_stacks_trail(prod):
    by_sid = statements(only(prod, "aws:s3/bucketPolicy:BucketPolicy", "uk-audit-bucket-policy"), "policy")
    trail_arn = f"arn:aws:cloudtrail:eu-west-2:{ACCOUNT_ID}:trail/trustfabric-prod"
    assert by_sid["CloudTrailWrite"]["Condition"]["StringEquals"]["aws:SourceArn"] == trail_arn
    assert by_sid["CloudTrailAclCheck"]["Condition"] == {"StringEquals": {"aws:SourceArn": trail_arn}}


def test_audit_bucket_access_is_logged_to_the_separate_access_log_bucket(prod):
    logging = only(prod, "aws:s3/bucketLogging:BucketLogging", "eu-audit-bucket-logging")
    access = only(prod, "aws:s3/bucket:Bucket", "eu-audit-access-logs")
    assert logging.property_dependencies["targetBucket"] == [access.urn]
    by_sid = statements(only(prod, "aws:s3/bucketPolicy:BucketPolicy", "eu-audit-access-logs-policy"), "policy")
    assert by_sid["S3ServerAccessLogs"]["Principal"] == {"Service": "logging.s3.amazonaws.com"}


def test_config_guardduty_and_security_hub_once_per_region(prod, dr):
    for graph, regions in ((prod, 4), (dr, 3)):
        for type_ in (
            "aws:cfg/recorder:Recorder",
            "aws:cfg/deliveryChannel:DeliveryChannel",
            "aws:cfg/recorderStatus:RecorderStatus",
            "aws:guardduty/detector:Detector",
            "aws:securityhub/account:Account",
        ):
            found = graph.of_type(type_)
            assert len(found) == regions, type_
            assert len({r.region for r in found}) == regions, type_
    # dr: UK and EU both stand by in eu-west-1; UK owns the region's singletons.
    assert {d.name for d in dr.of_type("aws:guardduty/detector:Detector")} == {
        "uk-audit-guardduty",
        "us-audit-guardduty",
        "ca-audit-guardduty",
    }


def test_config_records_everything_and_checks_the_controls_we_claim(prod):
    recorder = only(prod, "aws:cfg/recorder:Recorder", "us-audit-config-recorder")
    assert recorder.props["recordingGroup"]["allSupported"] is True
    rules = {
        r.props["source"]["sourceIdentifier"] for r in prod.of_type("aws:cfg/rule:Rule") if r.region == "us-east-1"
    }
    assert rules == set(CONFIG_RULES)
    assert {
        "CLOUD_TRAIL_ENABLED",
        "S3_BUCKET_SSL_REQUESTS_ONLY",
        "CMK_BACKING_KEY_ROTATION_ENABLED",
        "RDS_STORAGE_ENCRYPTED",
        "IAM_USER_NO_POLICIES_CHECK",
    } <= rules
    status = only(prod, "aws:cfg/recorderStatus:RecorderStatus", "us-audit-config-recorder-status")
    assert status.props["isEnabled"] is True
    channel = only(prod, "aws:cfg/deliveryChannel:DeliveryChannel", "us-audit-config-delivery")
    assert channel.property_dependencies["s3KmsKeyArn"] == [logs_key_urn("prod", "us")]


def test_security_hub_subscribes_fsbp_and_cis_3_for_its_region(prod):
    arns = {
        s.props["standardsArn"]
        for s in prod.of_type("aws:securityhub/standardsSubscription:StandardsSubscription")
        if s.region == "ca-central-1"
    }
    assert arns == {
        "arn:aws:securityhub:ca-central-1::standards/aws-foundational-security-best-practices/v/1.0.0",
        "arn:aws:securityhub:ca-central-1::standards/cis-aws-foundations-benchmark/v/3.0.0",
    }
    assert only(prod, "aws:guardduty/detector:Detector", "ca-audit-guardduty").props["enable"] is True


def test_high_severity_findings_reach_the_encrypted_alert_topic(prod):
    guardduty = json.loads(
        only(prod, "aws:cloudwatch/eventRule:EventRule", "uk-audit-guardduty-high").props["eventPattern"]
    )
    assert guardduty["detail"]["severity"] == [{"numeric": [">=", 7]}]
    hub = json.loads(
        only(prod, "aws:cloudwatch/eventRule:EventRule", "uk-audit-securityhub-high").props["eventPattern"]
    )
    assert hub["detail"]["findings"]["Severity"]["Label"] == ["HIGH", "CRITICAL"]
    topic = only(prod, "aws:sns/topic:Topic", "uk-audit-alerts")
    assert topic.property_dependencies["kmsMasterKeyId"] == [logs_key_urn("prod", "uk")]
    policy = statements(only(prod, "aws:sns/topicPolicy:TopicPolicy", "uk-audit-alerts-policy"), "policy")
    assert len(policy["EventBridgePublish"]["Condition"]["ArnEquals"]["aws:SourceArn"]) == 3
    for name in ("uk-audit-guardduty-high-to-alerts", "uk-audit-securityhub-high-to-alerts"):
        target = only(prod, "aws:cloudwatch/eventTarget:EventTarget", name)
        assert target.property_dependencies["arn"] == [topic.urn]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"log_retention_days": 30}, "AuditTrail: log_retention_days: 30 is out of range; allowed: 365..3653"),
        (
            {"object_lock_retention_days": 1},
            "AuditTrail: object_lock_retention_days: 1 is out of range; allowed: 365..3653",
        ),
        (
            {"region": "eu-west-3"},
            "AuditTrail: region: region 'eu-west-3' is outside UK's allowed regions; allowed: eu-west-2, eu-west-1",
        ),
        ({"finding_severity_floor": 9}, "AuditTrail: finding_severity_floor: 9 is out of range; allowed: 1..8"),
    ],
)
def test_bad_arguments_are_refused_with_an_exact_message(changes, message):
    arguments = {
        "stack": "prod",
        "cell": "uk",
        "jurisdiction": "UK",
        "region": "eu-west-2",
        "logs_key_arn": "arn:aws:kms:eu-west-2:123456789012:key/x",
        "cloudtrail_logs_role_arn": "arn:aws:iam::123456789012:role/a",
        "config_recorder_role_arn": "arn:aws:iam::123456789012:role/b",
        **changes,
    }
    assert refusal(lambda: validate_args(AuditTrailArgs(**arguments))) == message


def test_object_lock_needs_exactly_one_retention_unit():
    """The shared bucket helper the audit trail uses refuses an ambiguous retention before declaring anything."""
    for days, years in ((None, None), (400, 6)):
        with pytest.raises(ValueError) as error:
            attach_object_lock("x", None, parent=None, days=days, years=years)  # type: ignore[arg-type]
        assert (
            str(error.value) == "attach_object_lock: days, years: give exactly one; allowed: days=<int> or years=<int>"
        )


def test_trail_logs_management_and_s3_object_events_except_its_own_deliveries(prod, dr, dev):
    for graph in (prod, dr, dev):
        (trail,) = graph.of_type("aws:cloudtrail/trail:Trail")
        assert "eventSelectors" not in trail.props  # advanced selectors replace the basic ones
        management, data = trail.props["advancedEventSelectors"]
        assert management["fieldSelectors"] == [{"field": "eventCategory", "equals": ["Management"]}]
        by_field = {selector["field"]: selector for selector in data["fieldSelectors"]}
        assert by_field["eventCategory"]["equals"] == ["Data"]
        assert by_field["resources.type"]["equals"] == ["AWS::S3::Object"]
        # Every bucket's objects are audited (no equals/startsWith narrowing the ARN) except the audit bucket's.
        assert set(by_field["resources.ARN"]) == {"field", "notStartsWiths"}
        audit_bucket = only(graph, "aws:s3/bucket:Bucket", "uk-audit-bucket")
        assert audit_bucket.props["bucket"] == trail.props["s3BucketName"]  # the trail delivers there
        assert by_field["resources.ARN"]["notStartsWiths"] == [f"arn:aws:s3:::{trail.props['s3BucketName']}/"]
