"""Failover routing: Route53 health checks and failover records per service endpoint of a cell.

Each service `api` of a cell answers at `api.<zone>`; each region serves it at `api.<region>.<zone>` (the
regional endpoint, resolved to the region's load balancer by the compute layer). This component declares, for
the stack's region, an HTTPS health check of `https://api.<region>.<zone>/healthz` and a failover CNAME
`api.<zone>` -> the regional endpoint, with set identifier `api-<region>` and the failover type of the stack:
PRIMARY for the serving footprint (prod, or dr once `active`), SECONDARY for the standby (dr). Route53's data
plane moves traffic when the primary's health check fails, without any control plane of the failed region.

The zone (`<cell>.<deployment-domain>`, public) is owned by the primary footprint (`create_zone=True`); the dr
stack passes its id (`zone_id`, read from the prod stack's `<cell>_zone_id` output).

DNSSEC signing and query logging. Route53 accepts a DNSSEC key-signing key only from an asymmetric
(ECC_NIST_P256) KMS key in us-east-1, and writes a public zone's query logs only to a CloudWatch log group in
us-east-1 (`ROUTE53_CONTROL_REGION`). A zone owned here whose cell lives in that region (the US cell) is
therefore signed (KMS key, key-signing key, signing on; `ds_record` is what the parent zone must publish to
complete the chain of trust) and its queries are logged to `/aws/route53/<zone>`, encrypted with the cell's
logs key. For any other cell both would put a resource (and, for query logs, resolver and EDNS client-subnet
addresses, which are personal data) in us-east-1, outside the jurisdiction's allowed regions, so they are not
declared; checkov's CKV2_AWS_38 and CKV2_AWS_39 are suppressed for those zones in checkov-suppressions.yaml with
that reason.

Usage::

    routing = FailoverRouting(
        "uk-routing",
        FailoverRoutingArgs(cell="uk", jurisdiction="UK", region="eu-west-2", zone_name="uk.trustfabric.example.com",
                            failover_type="PRIMARY", create_zone=True,
                            query_log_kms_key_arn=logs_key_arn, key_admin_role_arn=key_admin_arn),
        opts=pulumi.ResourceOptions(parent=cell, provider=uk_provider),
    )
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.documents import policy_document
from components.security.kms_policy import key_admin_statements
from components.validation import (
    require_choice,
    require_jurisdiction,
    require_non_empty,
    require_range,
    require_region_in_jurisdiction,
)
from domain.naming import API_SERVICE, query_log_group_name, regional_endpoint, regional_label, service_record_name

FAILOVER_TYPES = ("PRIMARY", "SECONDARY")
HEALTH_CHECK_PATH = "/healthz"
ROUTE53_CONTROL_REGION = "us-east-1"
"""The only region Route53 takes DNSSEC signing keys (KMS) and public-zone query-log groups from."""
DNSSEC_KEY_SPEC = "ECC_NIST_P256"
DNSSEC_SERVICE = "dnssec-route53.amazonaws.com"
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


@dataclass(frozen=True)
class FailoverRoutingArgs:
    """Arguments of a cell's failover routing in one region."""

    cell: str
    """The cell's name prefix, e.g. `uk`."""
    jurisdiction: str
    """Jurisdiction code (UK, EU, US, CA)."""
    region: str
    """Region whose endpoints this stack serves (the provider's region)."""
    zone_name: str
    """The cell's hosted zone, e.g. `uk.trustfabric.example.com`."""
    failover_type: str
    """PRIMARY (the serving footprint) or SECONDARY (the standby)."""
    zone_id: pulumi.Input[str] | None = None
    """Id of the hosted zone; None with `create_zone`."""
    create_zone: bool = False
    """Declare the (public) hosted zone here: only the primary footprint owns it."""
    services: Sequence[str] = (API_SERVICE,)
    """Service endpoints of the cell, as DNS labels."""
    health_check_path: str = HEALTH_CHECK_PATH
    """HTTPS path the health checkers request."""
    port: int = 443
    request_interval: int = 10
    """Seconds between checks from each checker: 10 (fast) or 30."""
    failure_threshold: int = 3
    """Consecutive failures before an endpoint is unhealthy: 1..10."""
    ttl: int = 60
    """TTL of the failover records, seconds: 10..300 (low, so clients follow a failover)."""
    query_log_kms_key_arn: pulumi.Input[str] | None = None
    """The cell's logs key, encrypting the query-log group; required when the zone is signed and logged here."""
    key_admin_role_arn: pulumi.Input[str] | None = None
    """Role administering the DNSSEC signing key; required when the zone is signed and logged here."""
    query_log_retention_days: int = 365
    """Days the query logs are kept: 365..3653."""


def validate_args(args: FailoverRoutingArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_jurisdiction("FailoverRouting", "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction("FailoverRouting", "region", args.region, args.jurisdiction)
    require_choice("FailoverRouting", "failover_type", args.failover_type, FAILOVER_TYPES)
    if args.create_zone == (args.zone_id is not None):
        raise ValueError(
            "FailoverRouting: zone_id: give exactly one of zone_id and create_zone; "
            "allowed: create_zone=True (primary footprint) or the zone's id"
        )
    require_non_empty("FailoverRouting", "services", args.services)
    for service in args.services:
        if not _LABEL.match(service):
            raise ValueError(f"FailoverRouting: services: {service!r} is not a DNS label; allowed: [a-z0-9-]{{1,63}}")
    if not args.health_check_path.startswith("/"):
        raise ValueError(f"FailoverRouting: health_check_path: {args.health_check_path!r} is not a path; allowed: /...")
    require_choice("FailoverRouting", "request_interval", str(args.request_interval), ("10", "30"))
    require_range("FailoverRouting", "failure_threshold", args.failure_threshold, 1, 10)
    require_range("FailoverRouting", "ttl", args.ttl, 10, 300)
    if signs_and_logs_zone(args):
        for field_name in ("query_log_kms_key_arn", "key_admin_role_arn"):
            if getattr(args, field_name) is None:
                raise ValueError(
                    f"FailoverRouting: {field_name}: required for a zone owned in {ROUTE53_CONTROL_REGION}, "
                    "which is signed with DNSSEC and query-logged; allowed: an ARN"
                )
        require_range("FailoverRouting", "query_log_retention_days", args.query_log_retention_days, 365, 3653)


def signs_and_logs_zone(args: FailoverRoutingArgs) -> bool:
    """True when the zone is owned here and its cell's region is the one Route53 signs and logs from.

    Elsewhere the signing key and the query logs would leave the jurisdiction's regions (module docstring).
    """
    return args.create_zone and args.region == ROUTE53_CONTROL_REGION


def dnssec_key_policy(account_id: str, key_admin_role_arn: str) -> str:
    """Key policy of the signing key: administration for the key-admin role; Route53's DNSSEC service may
    read the public key, sign and create grants, for this account's hosted zones only. Nobody else may use it.
    """
    statements = [
        *key_admin_statements([key_admin_role_arn]),
        {
            "Sid": "Route53DnssecSign",
            "Effect": "Allow",
            "Principal": {"Service": DNSSEC_SERVICE},
            "Action": ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"],
            "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": account_id},
                "ArnLike": {"aws:SourceArn": "arn:aws:route53:::hostedzone/*"},
            },
        },
        {
            "Sid": "Route53DnssecGrant",
            "Effect": "Allow",
            "Principal": {"Service": DNSSEC_SERVICE},
            "Action": ["kms:CreateGrant"],
            "Resource": "*",
            "Condition": {
                "Bool": {"kms:GrantIsForAWSResource": "true"},
                "StringEquals": {"aws:SourceAccount": account_id},
            },
        },
    ]
    return policy_document(statements)


def query_log_policy(account_id: str, zone_name: str) -> str:
    """Resource policy letting Route53 write this zone's query-log group only, on behalf of this account."""
    group = f"arn:aws:logs:{ROUTE53_CONTROL_REGION}:{account_id}:log-group:{query_log_group_name(zone_name)}:*"
    statement = {
        "Sid": "Route53QueryLogs",
        "Effect": "Allow",
        "Principal": {"Service": "route53.amazonaws.com"},
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": group,
        "Condition": {
            "StringEquals": {"aws:SourceAccount": account_id},
            "ArnLike": {"aws:SourceArn": "arn:aws:route53:::hostedzone/*"},
        },
    }
    return policy_document([statement])


class FailoverRouting(pulumi.ComponentResource):
    """Health checks and failover records of a cell's services for one region (and the zone, when owned)."""

    zone_id: pulumi.Output[str]
    health_check_ids: dict[str, pulumi.Output[str]]
    ds_record: pulumi.Output[str] | None
    """The DS record the parent zone publishes for a signed zone; None when the zone is not signed here."""

    def __init__(self, name: str, args: FailoverRoutingArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:resilience:FailoverRouting", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        if args.create_zone:
            zone = aws.route53.Zone(
                f"{name}-zone",
                name=args.zone_name,
                comment=f"{args.jurisdiction} cell service endpoints (failover records of prod and dr)",
                force_destroy=False,
                opts=child,
            )
            zone_id: pulumi.Output[str] = zone.zone_id
        else:
            zone_id = pulumi.Output.from_input(args.zone_id).apply(str)
        self.ds_record = None
        if signs_and_logs_zone(args):
            self.ds_record = self._sign_and_log(name, args, zone_id, child)

        self.health_check_ids = {}
        for service in args.services:
            endpoint = regional_endpoint(service, args.region, args.zone_name)
            check = aws.route53.HealthCheck(
                f"{name}-{service}-health",
                type="HTTPS",
                fqdn=endpoint,
                port=args.port,
                resource_path=args.health_check_path,
                enable_sni=True,
                request_interval=args.request_interval,
                failure_threshold=args.failure_threshold,
                measure_latency=True,
                tags={"Name": regional_label(service, args.region), "failover": args.failover_type.lower()},
                opts=child,
            )
            aws.route53.Record(
                f"{name}-{service}-record",
                zone_id=zone_id,
                name=service_record_name(service, args.zone_name),
                type="CNAME",
                ttl=args.ttl,
                records=[endpoint],
                set_identifier=regional_label(service, args.region),
                failover_routing_policies=[aws.route53.RecordFailoverRoutingPolicyArgs(type=args.failover_type)],
                health_check_id=check.id,
                opts=child,
            )
            self.health_check_ids[service] = check.id
        self.zone_id = zone_id
        self.register_outputs(
            {"zone_id": self.zone_id, "health_check_ids": self.health_check_ids, "ds_record": self.ds_record}
        )

    def _sign_and_log(
        self, name: str, args: FailoverRoutingArgs, zone_id: pulumi.Output[str], child: pulumi.ResourceOptions
    ) -> pulumi.Output[str]:
        """DNSSEC signing (KMS key, key-signing key, signing on) and query logging of the zone; the DS record."""
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        key = aws.kms.Key(
            f"{name}-dnssec-key",
            description=f"{args.jurisdiction} DNSSEC key-signing key of {args.zone_name}",
            customer_master_key_spec=DNSSEC_KEY_SPEC,
            key_usage="SIGN_VERIFY",
            # AWS rotates only symmetric keys; a KSK is rotated by adding a new key-signing key.
            enable_key_rotation=False,
            deletion_window_in_days=30,
            policy=pulumi.Output.all(account_id, args.key_admin_role_arn).apply(
                lambda values: dnssec_key_policy(values[0], values[1])
            ),
            tags={"purpose": "dnssec"},
            opts=child,
        )
        signing_key = aws.route53.KeySigningKey(
            f"{name}-ksk",
            hosted_zone_id=zone_id,
            key_management_service_arn=key.arn,
            name=f"{args.cell.replace('-', '_')}_ksk",
            status="ACTIVE",
            opts=child,
        )
        aws.route53.HostedZoneDnsSec(
            f"{name}-dnssec",
            hosted_zone_id=signing_key.hosted_zone_id,
            signing_status="SIGNING",
            opts=pulumi.ResourceOptions(parent=self, depends_on=[signing_key]),
        )

        log_group = aws.cloudwatch.LogGroup(
            f"{name}-query-log-group",
            name=query_log_group_name(args.zone_name),
            retention_in_days=args.query_log_retention_days,
            kms_key_id=args.query_log_kms_key_arn,
            opts=child,
        )
        policy = aws.cloudwatch.LogResourcePolicy(
            f"{name}-query-log-policy",
            policy_name=f"{name}-route53-query-logs",
            policy_document=account_id.apply(lambda account: query_log_policy(account, args.zone_name)),
            opts=child,
        )
        aws.route53.QueryLog(
            f"{name}-query-log",
            zone_id=zone_id,
            cloudwatch_log_group_arn=log_group.arn,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]),
        )
        return signing_key.ds_record
