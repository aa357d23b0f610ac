"""pulumi-aws type tokens -> Terraform resource types: a maintained table plus a rule for the rest.

pulumi-aws is generated from the Terraform AWS provider, so each resource token names one Terraform type. The
token keeps the provider's module and a camelCase type name (`aws:cloudwatch/logGroup:LogGroup`), and the
rule reads it back (`aws_cloudwatch_log_group`). Where Pulumi renamed the module (`cfg`, `ec2`), shortened the
name (`aws:lb/loadBalancer` for `aws_lb`), or kept a `V2` alias, the table says the Terraform type. The table
lists every AWS type our stacks and tests declare, so a rule change never silently moves them.

Usage::

    from trustfabric.bridge.types import terraform_type

    terraform_type("aws:s3/bucket:Bucket")          # "aws_s3_bucket"
    terraform_type("aws:cfg/rule:Rule")             # "aws_config_config_rule"
    terraform_type("vault:index/policy:Policy")     # None: not a Terraform AWS resource
"""

from __future__ import annotations

import re
from pathlib import Path

TERRAFORM_PROVIDER = "registry.terraform.io/hashicorp/aws"

TABLE: dict[str, str] = {
    # Types our stacks declare (kept explicit even where the rule agrees).
    "aws:accessanalyzer/analyzer:Analyzer": "aws_accessanalyzer_analyzer",
    "aws:acmpca/certificate:Certificate": "aws_acmpca_certificate",
    "aws:acmpca/certificateAuthority:CertificateAuthority": "aws_acmpca_certificate_authority",
    "aws:acmpca/certificateAuthorityCertificate:CertificateAuthorityCertificate": "aws_acmpca_certificate_authority_certificate",
    "aws:appconfig/application:Application": "aws_appconfig_application",
    "aws:appconfig/configurationProfile:ConfigurationProfile": "aws_appconfig_configuration_profile",
    "aws:appconfig/deployment:Deployment": "aws_appconfig_deployment",
    "aws:appconfig/deploymentStrategy:DeploymentStrategy": "aws_appconfig_deployment_strategy",
    "aws:appconfig/environment:Environment": "aws_appconfig_environment",
    "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion": "aws_appconfig_hosted_configuration_version",
    "aws:backup/plan:Plan": "aws_backup_plan",
    "aws:backup/selection:Selection": "aws_backup_selection",
    "aws:backup/vault:Vault": "aws_backup_vault",
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration": "aws_backup_vault_lock_configuration",
    "aws:backup/vaultPolicy:VaultPolicy": "aws_backup_vault_policy",
    "aws:cfg/deliveryChannel:DeliveryChannel": "aws_config_delivery_channel",
    "aws:cfg/recorder:Recorder": "aws_config_configuration_recorder",
    "aws:cfg/recorderStatus:RecorderStatus": "aws_config_configuration_recorder_status",
    "aws:cfg/rule:Rule": "aws_config_config_rule",
    "aws:cloudtrail/trail:Trail": "aws_cloudtrail",
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": "aws_cloudwatch_composite_alarm",
    "aws:cloudwatch/dashboard:Dashboard": "aws_cloudwatch_dashboard",
    "aws:cloudwatch/eventRule:EventRule": "aws_cloudwatch_event_rule",
    "aws:cloudwatch/eventTarget:EventTarget": "aws_cloudwatch_event_target",
    "aws:cloudwatch/logGroup:LogGroup": "aws_cloudwatch_log_group",
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": "aws_cloudwatch_log_metric_filter",
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": "aws_cloudwatch_log_resource_policy",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "aws_cloudwatch_metric_alarm",
    "aws:dynamodb/table:Table": "aws_dynamodb_table",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "aws_default_security_group",
    "aws:ec2/securityGroup:SecurityGroup": "aws_security_group",
    "aws:ec2/securityGroupRule:SecurityGroupRule": "aws_security_group_rule",
    "aws:ec2/subnet:Subnet": "aws_subnet",
    "aws:ec2/vpc:Vpc": "aws_vpc",
    "aws:ec2/flowLog:FlowLog": "aws_flow_log",
    "aws:ec2/instance:Instance": "aws_instance",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": "aws_ecr_lifecycle_policy",
    "aws:ecr/repository:Repository": "aws_ecr_repository",
    "aws:eks/accessEntry:AccessEntry": "aws_eks_access_entry",
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": "aws_eks_pod_identity_association",
    "aws:fis/experimentTemplate:ExperimentTemplate": "aws_fis_experiment_template",
    "aws:guardduty/detector:Detector": "aws_guardduty_detector",
    "aws:iam/accountPasswordPolicy:AccountPasswordPolicy": "aws_iam_account_password_policy",
    "aws:iam/policy:Policy": "aws_iam_policy",
    "aws:iam/role:Role": "aws_iam_role",
    "aws:iam/rolePolicy:RolePolicy": "aws_iam_role_policy",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "aws_iam_role_policy_attachment",
    "aws:kms/alias:Alias": "aws_kms_alias",
    "aws:kms/externalKey:ExternalKey": "aws_kms_external_key",
    "aws:kms/key:Key": "aws_kms_key",
    "aws:kms/replicaKey:ReplicaKey": "aws_kms_replica_key",
    "aws:lambda/function:Function": "aws_lambda_function",
    "aws:lambda/permission:Permission": "aws_lambda_permission",
    "aws:macie2/account:Account": "aws_macie2_account",
    "aws:macie2/classificationJob:ClassificationJob": "aws_macie2_classification_job",
    "aws:opensearch/domain:Domain": "aws_opensearch_domain",
    "aws:rds/cluster:Cluster": "aws_rds_cluster",
    "aws:rds/clusterInstance:ClusterInstance": "aws_rds_cluster_instance",
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": "aws_rds_cluster_parameter_group",
    "aws:rds/globalCluster:GlobalCluster": "aws_rds_global_cluster",
    "aws:rds/instance:Instance": "aws_db_instance",
    "aws:rds/subnetGroup:SubnetGroup": "aws_db_subnet_group",
    "aws:route53/healthCheck:HealthCheck": "aws_route53_health_check",
    "aws:route53/keySigningKey:KeySigningKey": "aws_route53_key_signing_key",
    "aws:route53/queryLog:QueryLog": "aws_route53_query_log",
    "aws:route53/record:Record": "aws_route53_record",
    "aws:route53/zone:Zone": "aws_route53_zone",
    "aws:s3/bucket:Bucket": "aws_s3_bucket",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "aws_s3_bucket_lifecycle_configuration",
    "aws:s3/bucketLogging:BucketLogging": "aws_s3_bucket_logging",
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": "aws_s3_bucket_object_lock_configuration",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "aws_s3_bucket_ownership_controls",
    "aws:s3/bucketPolicy:BucketPolicy": "aws_s3_bucket_policy",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "aws_s3_bucket_public_access_block",
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": "aws_s3_bucket_replication_configuration",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (
        "aws_s3_bucket_server_side_encryption_configuration"
    ),
    "aws:s3/bucketVersioning:BucketVersioning": "aws_s3_bucket_versioning",
    "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition": "aws_sagemaker_data_quality_job_definition",
    "aws:sagemaker/endpoint:Endpoint": "aws_sagemaker_endpoint",
    "aws:sagemaker/endpointConfiguration:EndpointConfiguration": "aws_sagemaker_endpoint_configuration",
    "aws:sagemaker/model:Model": "aws_sagemaker_model",
    "aws:sagemaker/modelPackageGroup:ModelPackageGroup": "aws_sagemaker_model_package_group",
    "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy": "aws_sagemaker_model_package_group_policy",
    "aws:sagemaker/monitoringSchedule:MonitoringSchedule": "aws_sagemaker_monitoring_schedule",
    "aws:scheduler/schedule:Schedule": "aws_scheduler_schedule",
    "aws:scheduler/scheduleGroup:ScheduleGroup": "aws_scheduler_schedule_group",
    "aws:secretsmanager/secret:Secret": "aws_secretsmanager_secret",
    "aws:secretsmanager/secretRotation:SecretRotation": "aws_secretsmanager_secret_rotation",
    "aws:securityhub/account:Account": "aws_securityhub_account",
    "aws:securityhub/standardsSubscription:StandardsSubscription": "aws_securityhub_standards_subscription",
    "aws:sfn/stateMachine:StateMachine": "aws_sfn_state_machine",
    "aws:sns/topic:Topic": "aws_sns_topic",
    "aws:sns/topicPolicy:TopicPolicy": "aws_sns_topic_policy",
    "aws:sns/topicSubscription:TopicSubscription": "aws_sns_topic_subscription",
    "aws:sqs/queue:Queue": "aws_sqs_queue",
    "aws:ssoadmin/accountAssignment:AccountAssignment": "aws_ssoadmin_account_assignment",
    "aws:ssoadmin/managedPolicyAttachmentsExclusive:ManagedPolicyAttachmentsExclusive": "aws_ssoadmin_managed_policy_attachments_exclusive",
    "aws:ssoadmin/permissionSet:PermissionSet": "aws_ssoadmin_permission_set",
    "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy": "aws_ssoadmin_permission_set_inline_policy",
    "aws:ssoadmin/permissionsBoundaryAttachment:PermissionsBoundaryAttachment": "aws_ssoadmin_permissions_boundary_attachment",
    # Where the rule is wrong: shortened names, the alb alias module, V2 aliases, renamed resources.
    "aws:route53/hostedZoneDnsSec:HostedZoneDnsSec": "aws_route53_hosted_zone_dnssec",
    "aws:serverlessrepository/cloudFormationStack:CloudFormationStack": (
        "aws_serverlessapplicationrepository_cloudformation_stack"
    ),
    "aws:lb/loadBalancer:LoadBalancer": "aws_lb",
    "aws:lb/listener:Listener": "aws_lb_listener",
    "aws:lb/listenerRule:ListenerRule": "aws_lb_listener_rule",
    "aws:lb/listenerCertificate:ListenerCertificate": "aws_lb_listener_certificate",
    "aws:lb/targetGroup:TargetGroup": "aws_lb_target_group",
    "aws:lb/targetGroupAttachment:TargetGroupAttachment": "aws_lb_target_group_attachment",
    "aws:alb/loadBalancer:LoadBalancer": "aws_lb",
    "aws:alb/listener:Listener": "aws_lb_listener",
    "aws:alb/listenerRule:ListenerRule": "aws_lb_listener_rule",
    "aws:alb/listenerCertificate:ListenerCertificate": "aws_lb_listener_certificate",
    "aws:alb/targetGroup:TargetGroup": "aws_lb_target_group",
    "aws:alb/targetGroupAttachment:TargetGroupAttachment": "aws_lb_target_group_attachment",
    "aws:elb/loadBalancer:LoadBalancer": "aws_elb",
    "aws:elb/loadBalancerPolicy:LoadBalancerPolicy": "aws_load_balancer_policy",
    "aws:elb/listenerPolicy:ListenerPolicy": "aws_load_balancer_listener_policy",
    "aws:elb/sslNegotiationPolicy:SslNegotiationPolicy": "aws_lb_ssl_negotiation_policy",
    "aws:s3/bucketV2:BucketV2": "aws_s3_bucket",
    "aws:s3/bucketAclV2:BucketAclV2": "aws_s3_bucket_acl",
    "aws:s3/bucketVersioningV2:BucketVersioningV2": "aws_s3_bucket_versioning",
    "aws:s3/bucketLoggingV2:BucketLoggingV2": "aws_s3_bucket_logging",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2": "aws_s3_bucket_lifecycle_configuration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": (
        "aws_s3_bucket_server_side_encryption_configuration"
    ),
    "aws:s3/bucketCorsConfigurationV2:BucketCorsConfigurationV2": "aws_s3_bucket_cors_configuration",
    "aws:s3/bucketWebsiteConfigurationV2:BucketWebsiteConfigurationV2": "aws_s3_bucket_website_configuration",
    "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2": (
        "aws_s3_bucket_object_lock_configuration"
    ),
    "aws:s3/bucketAccelerateConfigurationV2:BucketAccelerateConfigurationV2": (
        "aws_s3_bucket_accelerate_configuration"
    ),
    "aws:s3/bucketRequestPaymentConfigurationV2:BucketRequestPaymentConfigurationV2": (
        "aws_s3_bucket_request_payment_configuration"
    ),
    "aws:s3/bucketObjectv2:BucketObjectv2": "aws_s3_object",
    "aws:s3/bucketObject:BucketObject": "aws_s3_bucket_object",
    "aws:s3/inventory:Inventory": "aws_s3_bucket_inventory",
    "aws:s3/analyticsConfiguration:AnalyticsConfiguration": "aws_s3_bucket_analytics_configuration",
    "aws:rds/proxy:Proxy": "aws_db_proxy",
    "aws:rds/proxyEndpoint:ProxyEndpoint": "aws_db_proxy_endpoint",
    "aws:rds/optionGroup:OptionGroup": "aws_db_option_group",
    "aws:rds/parameterGroup:ParameterGroup": "aws_db_parameter_group",
    "aws:rds/snapshot:Snapshot": "aws_db_snapshot",
    "aws:sqs/redrivePolicy:RedrivePolicy": "aws_sqs_queue_redrive_policy",
    "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy": "aws_sqs_queue_redrive_allow_policy",
    "aws:ec2/capacityReservation:CapacityReservation": "aws_ec2_capacity_reservation",
    "aws:ec2/managedPrefixList:ManagedPrefixList": "aws_ec2_managed_prefix_list",
    "aws:ec2/serialConsoleAccess:SerialConsoleAccess": "aws_ec2_serial_console_access",
    "aws:ec2/imageBlockPublicAccess:ImageBlockPublicAccess": "aws_ec2_image_block_public_access",
    "aws:ec2/instanceMetadataDefaults:InstanceMetadataDefaults": "aws_ec2_instance_metadata_defaults",
    "aws:ec2/peeringConnectionOptions:PeeringConnectionOptions": "aws_vpc_peering_connection_options",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "aws_vpc_endpoint",
    "aws:ec2/launchTemplate:LaunchTemplate": "aws_launch_template",
}
"""Maintained: Pulumi type token -> Terraform type. Checked by tests/trustfabric/bridge/test_types.py."""

MODULE_ALIASES: dict[str, str] = {
    "cfg": "config",
    "apigateway": "api_gateway",
    "ec2transitgateway": "ec2_transit_gateway",
    "ec2clientvpn": "ec2_client_vpn",
    "directoryservice": "directory_service",
    "servicediscovery": "service_discovery",
    "elasticbeanstalk": "elastic_beanstalk",
    "directconnect": "dx",
    "costexplorer": "ce",
    "ec2": "",
}
"""Pulumi module -> Terraform prefix where they differ; `ec2` resources are mostly unprefixed (`aws_vpc`)."""

CHECKOV_UNKNOWN: frozenset[str] = frozenset({"aws_ssoadmin_managed_policy_attachments_exclusive"})
"""Terraform types newer than checkov's vocabulary: bridged, but checkov has no check that could judge them."""

_TOKEN = re.compile(r"^aws:(?P<module>[a-z0-9]+)/(?P<name>[a-z][A-Za-z0-9_]*):[A-Z][A-Za-z0-9_]*$")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
TERRAFORM_NAME = re.compile(r"^aws_[a-z0-9]+(_[a-z0-9]+)*$")
"""What a Terraform AWS resource type looks like."""


def snake_case(name: str) -> str:
    """camelCase -> snake_case (`serverSideEncryption` -> `server_side_encryption`, `ipV6` -> `ip_v6`)."""
    return re.sub("_+", "_", _CAMEL_BOUNDARY.sub("_", name)).lower()


def rule_type(token: str) -> str | None:
    """The Terraform type the naming rule derives from a pulumi-aws resource token, or None for other tokens."""
    match = _TOKEN.match(token)
    if match is None:
        return None
    module, name = match["module"], snake_case(match["name"])
    prefix = MODULE_ALIASES.get(module, module)
    if not prefix or name == prefix or name.startswith(prefix + "_"):
        return f"aws_{name}"
    return f"aws_{prefix}_{name}"


def terraform_type(token: str) -> str | None:
    """The Terraform type for a Pulumi type token: the table first, then the rule; None when unmappable."""
    return TABLE.get(token) or rule_type(token)


def pulumi_aws_resource_tokens(package_dir: Path | None = None) -> list[str]:
    """Every resource token of the installed pulumi-aws SDK (read from its sources, nothing imported).

    A resource class is declared as `@pulumi.type_token("aws:...")` directly above
    `class Name(pulumi.CustomResource)`; enums carry the decorator too and are left out.
    """
    if package_dir is None:
        import pulumi_aws

        package_dir = Path(pulumi_aws.__file__).parent
    pattern = re.compile(r'^@pulumi\.type_token\("(aws:[^"]+)"\)\nclass \w+\(pulumi\.CustomResource\)', re.MULTILINE)
    tokens: set[str] = set()
    for path in package_dir.rglob("*.py"):
        tokens.update(pattern.findall(path.read_text(encoding="utf-8")))
    return sorted(tokens)


__all__ = [
    "MODULE_ALIASES",
    "TABLE",
    "TERRAFORM_NAME",
    "TERRAFORM_PROVIDER",
    "pulumi_aws_resource_tokens",
    "rule_type",
    "snake_case",
    "terraform_type",
]
