"""Failover routing: zone owned by prod, HTTPS /healthz health checks, PRIMARY in prod and SECONDARY in dr."""

from __future__ import annotations

import json

import pytest

from components.resilience.failover_routing import FailoverRoutingArgs, validate_args
from domain.residency import JURISDICTIONS
from tests.components.helpers import CELLS, dependency_names, only, parent_type, refusal
from trustfabric.graph import UNKNOWN_VALUE

ZONE = "aws:route53/zone:Zone"
CHECK = "aws:route53/healthCheck:HealthCheck"
RECORD = "aws:route53/record:Record"


def test_prod_owns_the_zones_and_the_primary_records(prod):
    assert {z.props["name"] for z in prod.of_type(ZONE)} == {f"{cell}.trustfabric.example.com" for cell in CELLS}
    assert set(prod.outputs) >= {f"{cell}_zone_id" for cell in CELLS}
    for code, jurisdiction in JURISDICTIONS.items():
        cell, region = code.lower(), jurisdiction.primary_region
        check = only(prod, CHECK, f"{cell}-routing-api-health").props
        assert check["type"] == "HTTPS" and check["resourcePath"] == "/healthz" and check["port"] == 443
        assert check["fqdn"] == f"api.{region}.{cell}.trustfabric.example.com"
        record = only(prod, RECORD, f"{cell}-routing-api-record")
        assert record.props["name"] == f"api.{cell}.trustfabric.example.com"
        assert record.props["failoverRoutingPolicies"] == [{"type": "PRIMARY"}]
        assert record.props["setIdentifier"] == f"api-{region}"
        assert record.props["records"] == [check["fqdn"]]
        assert [prod.get(u).name for u in record.property_dependencies["healthCheckId"]] == [
            f"{cell}-routing-api-health"
        ]
        assert parent_type(prod, record) == "trustfabric:resilience:FailoverRouting"


def test_dr_declares_secondary_records_in_prods_zone(dr):
    assert dr.of_type(ZONE) == []
    for code, jurisdiction in JURISDICTIONS.items():
        cell = code.lower()
        record = only(dr, RECORD, f"{cell}-routing-api-record")
        assert record.props["failoverRoutingPolicies"] == [{"type": "SECONDARY"}]
        assert record.props["setIdentifier"] == f"api-{jurisdiction.standby_region}"
        # The zone id is prod's `<cell>_zone_id` output: known only once prod exists.
        assert record.props["zoneId"] is UNKNOWN_VALUE
        assert record.props["name"] == f"api.{cell}.trustfabric.example.com"


ARGS = {"cell": "us", "jurisdiction": "US", "region": "us-east-1", "zone_name": "us.example.com"}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"failover_type": "TERTIARY", "create_zone": True},
            "FailoverRouting: failover_type: 'TERTIARY' is not allowed; allowed: PRIMARY, SECONDARY",
        ),
        (
            {"failover_type": "PRIMARY"},
            "FailoverRouting: zone_id: give exactly one of zone_id and create_zone; allowed: create_zone=True "
            "(primary footprint) or the zone's id",
        ),
        (
            {"failover_type": "PRIMARY", "create_zone": True, "health_check_path": "healthz"},
            "FailoverRouting: health_check_path: 'healthz' is not a path; allowed: /...",
        ),
        (
            {"failover_type": "PRIMARY", "create_zone": True, "ttl": 3600},
            "FailoverRouting: ttl: 3600 is out of range; allowed: 10..300",
        ),
        (
            {"failover_type": "PRIMARY", "create_zone": True, "region": "ca-central-1"},
            "FailoverRouting: region: region 'ca-central-1' is outside US's allowed regions; "
            "allowed: us-east-1, us-east-2, us-west-2",
        ),
    ],
)
def test_bad_arguments_are_rejected_with_the_allowed_values(overrides, message):
    assert refusal(lambda: validate_args(FailoverRoutingArgs(**{**ARGS, **overrides}))) == message


KEY = "aws:kms/key:Key"
SIGNING_KEY = "aws:route53/keySigningKey:KeySigningKey"
DNSSEC = "aws:route53/hostedZoneDnsSec:HostedZoneDnsSec"
QUERY_LOG = "aws:route53/queryLog:QueryLog"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
LOG_POLICY = "aws:cloudwatch/logResourcePolicy:LogResourcePolicy"


def test_us_zone_is_signed_with_an_asymmetric_key_in_us_east_1(prod):
    key = only(prod, KEY, "us-routing-dnssec-key")
    assert key.props["customerMasterKeySpec"] == "ECC_NIST_P256"
    assert key.props["keyUsage"] == "SIGN_VERIFY"
    assert prod.get(key.provider).props["region"] == "us-east-1"
    signing_key = only(prod, SIGNING_KEY, "us-routing-ksk")
    assert signing_key.props["status"] == "ACTIVE"
    assert dependency_names(prod, signing_key, "hostedZoneId") == ["us-routing-zone"]
    assert dependency_names(prod, signing_key, "keyManagementServiceArn") == ["us-routing-dnssec-key"]
    dnssec = only(prod, DNSSEC, "us-routing-dnssec")
    assert dnssec.props["signingStatus"] == "SIGNING"
    assert dependency_names(prod, dnssec, "hostedZoneId") == ["us-routing-ksk"]
    assert parent_type(prod, dnssec) == "trustfabric:resilience:FailoverRouting"


def test_signing_key_is_usable_by_route53_dnssec_of_this_account_only(prod):
    policy = json.loads(only(prod, KEY, "us-routing-dnssec-key").props["policy"])
    by_sid = {statement["Sid"]: statement for statement in policy["Statement"]}
    assert set(by_sid) == {
        "KeyAdministration",
        "KeyPolicyChangeByKeyAdminOnly",
        "DenyKeyPolicyChangeExceptKeyAdmin",
        "Route53DnssecSign",
        "Route53DnssecGrant",
    }
    key_admin = "arn:aws:iam::123456789012:role/trustfabric-prod-us-key-admin"
    assert by_sid["KeyAdministration"]["Principal"] == {"AWS": [key_admin]}
    assert "kms:Sign" not in by_sid["KeyAdministration"]["Action"]
    # only the key-admin role may change the key policy, as for every key of the keyring
    assert "kms:PutKeyPolicy" not in by_sid["KeyAdministration"]["Action"]
    assert by_sid["KeyPolicyChangeByKeyAdminOnly"]["Principal"] == {"AWS": [key_admin]}
    deny = by_sid["DenyKeyPolicyChangeExceptKeyAdmin"]
    assert (deny["Effect"], deny["Principal"], deny["Action"]) == ("Deny", {"AWS": "*"}, "kms:PutKeyPolicy")
    assert deny["Condition"] == {"ArnNotEquals": {"aws:PrincipalArn": [key_admin]}}
    sign = by_sid["Route53DnssecSign"]
    assert sign["Principal"] == {"Service": "dnssec-route53.amazonaws.com"}
    assert sorted(sign["Action"]) == ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"]
    assert sign["Condition"]["StringEquals"] == {"aws:SourceAccount": "123456789012"}
    assert by_sid["Route53DnssecGrant"]["Condition"]["Bool"] == {"kms:GrantIsForAWSResource": "true"}


def test_us_zone_queries_are_logged_to_an_encrypted_group_in_us_east_1(prod):
    group = only(prod, LOG_GROUP, "us-routing-query-log-group")
    assert group.props["name"] == "/aws/route53/us.trustfabric.example.com"
    assert group.props["retentionInDays"] == 365
    assert dependency_names(prod, group, "kmsKeyId") == ["us-keyring-logs"]
    assert prod.get(group.provider).props["region"] == "us-east-1"
    query_log = only(prod, QUERY_LOG, "us-routing-query-log")
    assert dependency_names(prod, query_log, "zoneId") == ["us-routing-zone"]
    assert dependency_names(prod, query_log, "cloudwatchLogGroupArn") == ["us-routing-query-log-group"]
    [statement] = json.loads(only(prod, LOG_POLICY, "us-routing-query-log-policy").props["policyDocument"])["Statement"]
    assert statement["Principal"] == {"Service": "route53.amazonaws.com"}
    assert statement["Resource"] == (
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/route53/us.trustfabric.example.com:*"
    )
    assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": "123456789012"}


@pytest.mark.parametrize("stack", ["prod", "dr", "dev"])
def test_no_signing_key_or_query_log_leaves_a_non_us_jurisdiction(stack, request):
    graph = request.getfixturevalue(stack)
    declared = [
        r for type_ in (KEY, SIGNING_KEY, DNSSEC, QUERY_LOG, LOG_GROUP, LOG_POLICY) for r in graph.of_type(type_)
    ]
    routing = {r.name for r in declared if "-routing-" in r.name}
    expected = (
        {
            "us-routing-dnssec-key",
            "us-routing-ksk",
            "us-routing-dnssec",
            "us-routing-query-log",
            "us-routing-query-log-group",
            "us-routing-query-log-policy",
        }
        if stack == "prod"
        else set()
    )
    assert routing == expected


def test_signed_zone_needs_the_logs_key_and_the_key_admin():
    args = {**ARGS, "failover_type": "PRIMARY", "create_zone": True}
    logs_key, key_admin = "arn:aws:kms:us-east-1:1:key/k", "arn:aws:iam::1:role/a"
    assert refusal(lambda: validate_args(FailoverRoutingArgs(**args, key_admin_role_arn=key_admin))) == (
        "FailoverRouting: query_log_kms_key_arn: required for a zone owned in us-east-1, which is signed with "
        "DNSSEC and query-logged; allowed: an ARN"
    )
    assert refusal(lambda: validate_args(FailoverRoutingArgs(**args, query_log_kms_key_arn=logs_key))) == (
        "FailoverRouting: key_admin_role_arn: required for a zone owned in us-east-1, which is signed with "
        "DNSSEC and query-logged; allowed: an ARN"
    )
    short = FailoverRoutingArgs(
        **args, query_log_kms_key_arn=logs_key, key_admin_role_arn=key_admin, query_log_retention_days=30
    )
    assert refusal(lambda: validate_args(short)) == (
        "FailoverRouting: query_log_retention_days: 30 is out of range; allowed: 365..3653"
    )


def test_zones_outside_us_east_1_need_neither():
    validate_args(
        FailoverRoutingArgs(
            cell="uk",
            jurisdiction="UK",
            region="eu-west-2",
            zone_name="uk.example.com",
            failover_type="PRIMARY",
            create_zone=True,
        )
    )
