"""The pulumi-aws -> Terraform type table and rule, against the SDK's own token list and checkov's vocabulary."""

from __future__ import annotations

import ast
from collections.abc import Callable

import pytest

from trustfabric.bridge.types import (
    CHECKOV_UNKNOWN,
    TABLE,
    TERRAFORM_NAME,
    pulumi_aws_resource_tokens,
    rule_type,
    terraform_type,
)
from trustfabric.graph import ResourceGraph
from trustfabric.paths import REPO_ROOT


@pytest.fixture(scope="module")
def tokens() -> list[str]:
    return pulumi_aws_resource_tokens()


@pytest.fixture(scope="module")
def checkov_vocabulary() -> set[str]:
    """Every Terraform AWS resource type checkov knows (read from its venv's source, not imported)."""
    (source,) = (REPO_ROOT / ".venv-checkov").glob(
        "lib/python3*/site-packages/checkov/common/checks_infra/resources_types.py"
    )
    tree = ast.parse(source.read_text(encoding="utf-8"))
    value = next(node.value for node in tree.body if isinstance(node, ast.Assign))
    return set(ast.literal_eval(value)["aws"])


def test_sdk_token_list_is_read(tokens: list[str]) -> None:
    assert len(tokens) > 1500
    assert "aws:s3/bucket:Bucket" in tokens
    assert "aws:alb/IpAddressType:IpAddressType" not in tokens  # an enum, not a resource


def test_every_sdk_resource_maps_to_a_valid_terraform_name(tokens: list[str]) -> None:
    bad = [token for token in tokens if not TERRAFORM_NAME.match(terraform_type(token) or "")]
    assert bad == []


def test_table_keys_are_sdk_tokens(tokens: list[str]) -> None:
    assert sorted(set(TABLE) - set(tokens)) == []


def test_table_values_are_known_to_checkov(checkov_vocabulary: set[str]) -> None:
    unknown = sorted(tf_type for tf_type in TABLE.values() if tf_type not in checkov_vocabulary)
    assert unknown == sorted(CHECKOV_UNKNOWN)  # and no stale entry: each listed type really is unknown to checkov


@pytest.mark.parametrize(
    ("token", "rule", "table"),
    [
        ("aws:lb/loadBalancer:LoadBalancer", "aws_lb_load_balancer", "aws_lb"),
        ("aws:alb/listener:Listener", "aws_alb_listener", "aws_lb_listener"),
        ("aws:s3/bucketV2:BucketV2", "aws_s3_bucket_v2", "aws_s3_bucket"),
        ("aws:s3/bucketVersioningV2:BucketVersioningV2", "aws_s3_bucket_versioning_v2", "aws_s3_bucket_versioning"),
        ("aws:rds/subnetGroup:SubnetGroup", "aws_rds_subnet_group", "aws_db_subnet_group"),
        ("aws:cfg/rule:Rule", "aws_config_rule", "aws_config_config_rule"),
        ("aws:cloudtrail/trail:Trail", "aws_cloudtrail_trail", "aws_cloudtrail"),
        (
            "aws:route53/hostedZoneDnsSec:HostedZoneDnsSec",
            "aws_route53_hosted_zone_dns_sec",
            "aws_route53_hosted_zone_dnssec",
        ),
    ],
)
def test_table_overrides_the_rule_where_it_is_wrong(
    token: str, rule: str, table: str, checkov_vocabulary: set[str]
) -> None:
    assert rule_type(token) == rule
    assert terraform_type(token) == table
    assert table in checkov_vocabulary


def test_rule_alone_matches_checkov_for_most_of_the_sdk(tokens: list[str], checkov_vocabulary: set[str]) -> None:
    # New pulumi-aws resources are often newer than checkov 3.3.30's vocabulary; the rule still gets most right.
    hits = sum(1 for token in tokens if terraform_type(token) in checkov_vocabulary)
    assert hits / len(tokens) > 0.75


@pytest.mark.parametrize("stack", ["prod", "dr", "dev"])
def test_every_aws_type_in_our_stacks_is_in_the_table_and_known_to_checkov(
    stack: str, stack_graph: Callable[[str], ResourceGraph], checkov_vocabulary: set[str]
) -> None:
    types = {r.type for r in stack_graph(stack).custom_resources if r.package == "aws"}
    assert types
    assert sorted(types - set(TABLE)) == []
    assert sorted(t for t in types if terraform_type(t) not in checkov_vocabulary | CHECKOV_UNKNOWN) == []


def test_other_providers_do_not_map() -> None:
    assert terraform_type("vault:index/policy:Policy") is None
    assert terraform_type("kubernetes:apps/v1:Deployment") is None
    assert terraform_type("trustfabric:security:KmsKeyring") is None
