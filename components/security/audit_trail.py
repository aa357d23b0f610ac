"""Audit trail of a cell: CloudTrail into a locked bucket, AWS Config, GuardDuty, Security Hub, alert routing.

What a cell always gets:

- an audit bucket (`components/storage/secure_bucket.py`): object lock in COMPLIANCE mode for the
  jurisdiction's statutory retention, a lifecycle that expires objects after it (and aborts incomplete
  uploads), versioning, SSE-KMS with the logs key, all four public-access blocks, a TLS-only policy,
  owner-enforced objects, and server access logging into a separate access-log bucket (versioned, blocked,
  TLS-only, expiring; SSE-S3 and classified internal, because S3 delivers access logs only into SSE-S3
  buckets: docs/adr/0006-access-log-buckets-sse-s3.md);
- the security alert topic (SNS, encrypted with the logs key) and EventBridge rules that route to it every
  AssumeRole of a watched role (break-glass).

Account- and region-singletons are flags the stack sets for one cell only (the dr stack has two cells in
eu-west-1, and prod and dr share one account):

- `create_trail`: the stack's one multi-Region trail (management events and S3 object-level events of every
  bucket but the audit bucket, log file validation, KMS, CloudWatch Logs delivery with retention >= 365 days,
  and an SNS topic encrypted with the logs key on which CloudTrail announces every log file it delivers, for a
  log-processing subscriber). One per stack keeps the account under CloudTrail's five trails per region.
- `create_regional_services`: the region's AWS Config recorder, delivery channel and managed rules, GuardDuty
  detector, Security Hub with the FSBP and CIS 3.0 standards, and the high-severity finding rules.

The bucket and topic policies and the alert event patterns are documents in `components.security.audit_documents`.

Usage::

    trail = AuditTrail(
        "uk-audit",
        AuditTrailArgs(
            stack="prod", cell="uk", jurisdiction="UK", region="eu-west-2",
            logs_key_arn=keyring.key_arns["logs"],
            cloudtrail_logs_role_arn=iam.role_arns["cloudtrail-logs"],
            config_recorder_role_arn=iam.role_arns["config-recorder"],
            watched_role_arns=[iam.role_arns["break-glass"]],
        ),
        opts=pulumi.ResourceOptions(provider=uk_provider),
    )
    alert_topic_arn = trail.alert_topic_arn
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.security.audit_documents import (
    alert_topic_policy,
    assume_role_pattern,
    audit_bucket_policy,
    guardduty_pattern,
    securityhub_pattern,
    standards_arns,
    trail_topic_policy,
)
from components.storage.secure_bucket import AccessLogs, lifecycle_rule, locked_bucket
from components.validation import (
    require_jurisdiction,
    require_non_empty,
    require_range,
    require_region_in_jurisdiction,
)
from domain.naming import (
    audit_bucket_name,
    cloudtrail_log_group_name,
    config_recorder_name,
    config_rule_name,
    security_alert_topic_name,
    trail_arn,
    trail_name,
    trail_topic_name,
)

CONFIG_RULES: dict[str, dict[str, str]] = {
    "CLOUD_TRAIL_ENABLED": {},
    "MULTI_REGION_CLOUD_TRAIL_ENABLED": {},
    "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED": {},
    "CLOUD_TRAIL_ENCRYPTION_ENABLED": {},
    "CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED": {},
    "S3_BUCKET_SSL_REQUESTS_ONLY": {},
    "S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED": {},
    "S3_DEFAULT_ENCRYPTION_KMS": {},
    "S3_BUCKET_VERSIONING_ENABLED": {},
    "CMK_BACKING_KEY_ROTATION_ENABLED": {},
    "KMS_CMK_NOT_SCHEDULED_FOR_DELETION": {},
    "RDS_STORAGE_ENCRYPTED": {},
    "DYNAMODB_TABLE_ENCRYPTED_KMS": {},
    "CLOUDWATCH_LOG_GROUP_ENCRYPTED": {},
    "CW_LOGGROUP_RETENTION_PERIOD_CHECK": {"MinRetentionTime": "365"},
    "SNS_ENCRYPTED_KMS": {},
    "SECRETSMANAGER_USING_CMK": {},
    "SECRETSMANAGER_ROTATION_ENABLED_CHECK": {},
    "IAM_USER_NO_POLICIES_CHECK": {},
    "IAM_PASSWORD_POLICY": {
        "MinimumPasswordLength": "14",
        "PasswordReusePrevention": "24",
        "RequireUppercaseCharacters": "true",
        "RequireLowercaseCharacters": "true",
        "RequireNumbers": "true",
        "RequireSymbols": "true",
    },
    "IAM_ROOT_ACCESS_KEY_CHECK": {},
    "ROOT_ACCOUNT_MFA_ENABLED": {},
    "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS": {},
    "ACCESS_KEYS_ROTATED": {"maxAccessKeyAge": "90"},
    "GUARDDUTY_ENABLED_CENTRALIZED": {},
    "SECURITYHUB_ENABLED": {},
}
"""AWS Config managed rules for the controls we claim, with their parameters (see docs/policies.md)."""

NONCURRENT_AUDIT_VERSION_DAYS = 30
"""Days a noncurrent audit object version is kept; lifecycle never deletes a version while its lock holds."""

FINDING_SEVERITY_FLOOR = 7
"""GuardDuty severities at or above this are high (7.0-8.9) or critical (9.0+) and page."""


@dataclass(frozen=True)
class AuditTrailArgs:
    """Arguments of a cell's audit trail."""

    stack: str
    """Stack name, part of bucket, trail and log group names."""
    cell: str
    """Cell name (e.g. `uk`)."""
    jurisdiction: str
    """Jurisdiction code; the buckets must live in its allowed regions."""
    region: str
    """The cell's region (the provider's); validated against the jurisdiction."""
    logs_key_arn: pulumi.Input[str]
    """The cell's `logs` KMS key: encrypts the trail, its log group, the audit bucket and both topics."""
    cloudtrail_logs_role_arn: pulumi.Input[str]
    """Role CloudTrail assumes to deliver into the log group (the IAM baseline's `cloudtrail-logs`)."""
    config_recorder_role_arn: pulumi.Input[str]
    """Role of the AWS Config recorder (the IAM baseline's `config-recorder`)."""
    watched_role_arns: Sequence[pulumi.Input[str]] = field(default_factory=tuple)
    """Roles whose every AssumeRole raises a security alert (break-glass)."""
    create_trail: bool = True
    """Declare the stack's multi-Region trail (set for one cell per stack)."""
    create_regional_services: bool = True
    """Declare the region's Config recorder and rules, GuardDuty, Security Hub and finding rules (set for the
    first cell in each region)."""
    include_global_resource_types: bool = True
    """Record global resources (IAM) in Config; set for exactly one recorder per stack."""
    log_retention_days: int = 400
    """Retention of the trail's CloudWatch log group, 365..3653 days."""
    object_lock_retention_days: int = 2192
    """COMPLIANCE-mode retention of every audit object, 365..3653 days (the jurisdiction's statutory period)."""
    access_log_retention_days: int = 400
    """How long server access logs are kept before expiry, 365..3653 days."""
    finding_severity_floor: int = FINDING_SEVERITY_FLOOR
    """GuardDuty severity from which a finding alerts, 1..8 (7: high and critical)."""


def validate_args(args: AuditTrailArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_non_empty("AuditTrail", "stack", args.stack)
    require_non_empty("AuditTrail", "cell", args.cell)
    require_jurisdiction("AuditTrail", "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction("AuditTrail", "region", args.region, args.jurisdiction)
    require_range("AuditTrail", "log_retention_days", args.log_retention_days, 365, 3653)
    require_range("AuditTrail", "object_lock_retention_days", args.object_lock_retention_days, 365, 3653)
    require_range("AuditTrail", "access_log_retention_days", args.access_log_retention_days, 365, 3653)
    require_range("AuditTrail", "finding_severity_floor", args.finding_severity_floor, 1, 8)


def trail_event_selectors(audit_bucket_arn: pulumi.Input[str]) -> list[aws.cloudtrail.TrailAdvancedEventSelectorArgs]:
    """Every management event, and every S3 object-level (data) event, read and write, of every bucket in the
    account except the trail's own audit bucket: object access to records is audited (CIS AWS 3.0 3.8 and 3.9),
    and CloudTrail's deliveries into the audit bucket are not logged again (no recursive events)."""
    selector = aws.cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs
    return [
        aws.cloudtrail.TrailAdvancedEventSelectorArgs(
            name="Management events",
            field_selectors=[selector(field="eventCategory", equals=["Management"])],
        ),
        aws.cloudtrail.TrailAdvancedEventSelectorArgs(
            name="S3 object-level events outside the audit bucket",
            field_selectors=[
                selector(field="eventCategory", equals=["Data"]),
                selector(field="resources.type", equals=["AWS::S3::Object"]),
                selector(
                    field="resources.ARN",
                    not_starts_withs=[pulumi.Output.from_input(audit_bucket_arn).apply(lambda arn: f"{arn}/")],
                ),
            ],
        ),
    ]


class AuditTrail(pulumi.ComponentResource):
    """Locked audit bucket, trail, Config, GuardDuty, Security Hub and high-severity alert routing."""

    audit_bucket_name: pulumi.Output[str]
    alert_topic_arn: pulumi.Output[str]

    def __init__(self, name: str, args: AuditTrailArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:security:AuditTrail", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id

        # Objects stay locked for the statutory period; then lifecycle expires them (docs/compliance/
        # data-retention-and-deletion.md). A version made noncurrent is deleted once its lock has passed.
        audit = locked_bucket(
            f"{name}-bucket",
            bucket_name=account_id.apply(lambda a: audit_bucket_name(args.stack, args.cell, "trail", a, args.region)),
            kms_key_arn=args.logs_key_arn,
            policy=lambda bucket: pulumi.Output.all(bucket.bucket, account_id).apply(
                lambda v: audit_bucket_policy(v[0], v[1], args.region, args.stack)
            ),
            lifecycle=lifecycle_rule(
                "audit-retention",
                expiration_days=args.object_lock_retention_days,
                noncurrent_days=NONCURRENT_AUDIT_VERSION_DAYS,
            ),
            logs=AccessLogs(
                f"{name}-access-logs",
                bucket_name=account_id.apply(
                    lambda a: audit_bucket_name(args.stack, args.cell, "access", a, args.region)
                ),
                account_id=account_id,
                retention_days=args.access_log_retention_days,
                noncurrent_days=args.access_log_retention_days,
                prefix=f"{args.cell}/trail/",
            ),
            parent=self,
            days=args.object_lock_retention_days,
            protect=True,
        )
        self.audit_bucket_name = audit.bucket.bucket
        self.bucket_arns = [audit.bucket.arn, audit.log_bucket.arn]
        """The trail and access-log buckets: the backup layer covers them (records tier)."""

        if args.create_trail:
            log_group = aws.cloudwatch.LogGroup(
                f"{name}-trail-logs",
                name=cloudtrail_log_group_name(args.stack, args.cell),
                kms_key_id=args.logs_key_arn,
                retention_in_days=args.log_retention_days,
                opts=child,
            )
            notifications = aws.sns.Topic(
                f"{name}-trail-notifications",
                name=trail_topic_name(args.stack),
                kms_master_key_id=args.logs_key_arn,
                opts=child,
            )
            notifications_policy = aws.sns.TopicPolicy(
                f"{name}-trail-notifications-policy",
                arn=notifications.arn,
                policy=pulumi.Output.all(notifications.arn, account_id).apply(
                    lambda v: trail_topic_policy(v[0], trail_arn(args.region, v[1], args.stack))
                ),
                opts=child,
            )
            aws.cloudtrail.Trail(
                f"{name}-trail",
                name=trail_name(args.stack),
                s3_bucket_name=audit.bucket.bucket,
                s3_key_prefix="cloudtrail",
                is_multi_region_trail=True,
                include_global_service_events=True,
                enable_log_file_validation=True,
                enable_logging=True,
                kms_key_id=args.logs_key_arn,
                sns_topic_name=notifications.name,
                cloud_watch_logs_group_arn=log_group.arn.apply(lambda arn: f"{arn}:*"),
                cloud_watch_logs_role_arn=args.cloudtrail_logs_role_arn,
                advanced_event_selectors=trail_event_selectors(audit.bucket.arn),
                opts=pulumi.ResourceOptions(parent=self, depends_on=[audit.policy, notifications_policy]),
            )

        self.alert_topic = aws.sns.Topic(
            f"{name}-alerts",
            name=security_alert_topic_name(args.stack, args.cell),
            kms_master_key_id=args.logs_key_arn,
            opts=child,
        )
        self.alert_topic_arn = self.alert_topic.arn
        rules: list[aws.cloudwatch.EventRule] = []
        if args.watched_role_arns:
            rules.append(
                self._route(
                    f"{name}-watched-role-assumed",
                    "Every assumption of a watched (break-glass) role",
                    pulumi.Output.all(*args.watched_role_arns).apply(lambda arns: assume_role_pattern(arns)),
                    child,
                )
            )

        if args.create_regional_services:
            rules += self._regional_services(name, args, audit.bucket, child)

        aws.sns.TopicPolicy(
            f"{name}-alerts-policy",
            arn=self.alert_topic.arn,
            policy=pulumi.Output.all(self.alert_topic.arn, account_id, *[rule.arn for rule in rules]).apply(
                lambda v: alert_topic_policy(v[0], v[1], v[2:])
            ),
            opts=child,
        )
        self.register_outputs({"audit_bucket_name": self.audit_bucket_name, "alert_topic_arn": self.alert_topic_arn})

    def _route(
        self, name: str, description: str, pattern: pulumi.Input[str], child: pulumi.ResourceOptions
    ) -> aws.cloudwatch.EventRule:
        rule = aws.cloudwatch.EventRule(name, description=description, event_pattern=pattern, opts=child)
        aws.cloudwatch.EventTarget(
            f"{name}-to-alerts",
            rule=rule.name,
            arn=self.alert_topic.arn,
            target_id="security-alerts",
            opts=child,
        )
        return rule

    def _regional_services(
        self, name: str, args: AuditTrailArgs, audit: aws.s3.Bucket, child: pulumi.ResourceOptions
    ) -> list[aws.cloudwatch.EventRule]:
        recorder = aws.cfg.Recorder(
            f"{name}-config-recorder",
            name=config_recorder_name(args.stack),
            role_arn=args.config_recorder_role_arn,
            recording_group=aws.cfg.RecorderRecordingGroupArgs(
                all_supported=True, include_global_resource_types=args.include_global_resource_types
            ),
            opts=child,
        )
        channel = aws.cfg.DeliveryChannel(
            f"{name}-config-delivery",
            name=config_recorder_name(args.stack),
            s3_bucket_name=audit.bucket,
            s3_key_prefix="config",
            s3_kms_key_arn=args.logs_key_arn,
            snapshot_delivery_properties=aws.cfg.DeliveryChannelSnapshotDeliveryPropertiesArgs(
                delivery_frequency="TwentyFour_Hours"
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[recorder]),
        )
        aws.cfg.RecorderStatus(
            f"{name}-config-recorder-status",
            name=recorder.name,
            is_enabled=True,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[channel]),
        )
        for identifier, parameters in CONFIG_RULES.items():
            aws.cfg.Rule(
                f"{name}-rule-{identifier.lower().replace('_', '-')}",
                name=config_rule_name(identifier),
                source=aws.cfg.RuleSourceArgs(owner="AWS", source_identifier=identifier),
                input_parameters=json.dumps(parameters, sort_keys=True) if parameters else None,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[recorder]),
            )

        aws.guardduty.Detector(
            f"{name}-guardduty",
            enable=True,
            finding_publishing_frequency="FIFTEEN_MINUTES",
            opts=child,
        )
        hub = aws.securityhub.Account(
            f"{name}-securityhub",
            enable_default_standards=False,
            auto_enable_controls=True,
            control_finding_generator="SECURITY_CONTROL",
            opts=child,
        )
        for short, arn in standards_arns(args.region).items():
            aws.securityhub.StandardsSubscription(
                f"{name}-securityhub-{short}",
                standards_arn=arn,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[hub]),
            )
        return [
            self._route(
                f"{name}-guardduty-high",
                f"GuardDuty findings of severity >= {args.finding_severity_floor}",
                guardduty_pattern(args.finding_severity_floor),
                child,
            ),
            self._route(
                f"{name}-securityhub-high",
                "Security Hub findings labelled HIGH or CRITICAL",
                securityhub_pattern(),
                child,
            ),
        ]
