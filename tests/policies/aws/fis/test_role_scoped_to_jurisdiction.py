"""aws-fis-role-scoped-to-jurisdiction: FIS roles change only their own jurisdiction's resources."""

from __future__ import annotations

import json

import pytest

from policies.aws.fis.role_scoped_to_jurisdiction import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "fis.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
)
PROGRAM = (
    f"TRUST = {TRUST!r}\n"
    + """
import json
import pulumi
import pulumi_aws as aws
def role(name, region, statements, jurisdiction="UK", trust=TRUST):
    provider = aws.Provider(f"{name}-provider", region=region,
        default_tags=aws.ProviderDefaultTagsArgs(tags={"jurisdiction": jurisdiction}))
    aws.iam.Role(name, assume_role_policy=trust, inline_policies=[aws.iam.RoleInlinePolicyArgs(name="p",
        policy=json.dumps({"Version": "2012-10-17", "Statement": statements}))],
        opts=pulumi.ResourceOptions(provider=provider))
READS = {"Sid": "Read", "Effect": "Allow", "Action": ["ec2:DescribeSubnets", "rds:DescribeDBClusters"], "Resource": "*"}
LOGS = {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:CreateLogDelivery", "logs:PutResourcePolicy"],
        "Resource": "*"}
FAILOVER = {"Sid": "Failover", "Effect": "Allow", "Action": "rds:FailoverDBCluster",
            "Resource": "arn:aws:rds:eu-west-2:123456789012:cluster:*"}
role("scoped", "eu-west-2", [READS, LOGS, FAILOVER,
    {"Sid": "Tagged", "Effect": "Allow", "Action": "rds:FailoverDBCluster", "Resource": "*",
      "Condition": {"StringEquals": {"aws:ResourceTag/jurisdiction": "UK"}}},
    {"Sid": "Named", "Effect": "Allow", "Action": "ec2:ReplaceNetworkAclAssociation",
      "Resource": "arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-0abc"}])
role("everywhere", "eu-west-2", [READS, {"Sid": "Any", "Effect": "Allow", "Action": "rds:FailoverDBCluster",
    "Resource": "*"}])
role("abroad", "eu-west-2", [{"Sid": "Eu", "Effect": "Allow", "Action": "rds:FailoverDBCluster",
    "Resource": "arn:aws:rds:eu-central-1:123456789012:cluster:*"}])
role("shared-region", "eu-west-1", [{"Sid": "Acls", "Effect": "Allow", "Action": "ec2:CreateNetworkAclEntry",
    "Resource": "arn:aws:ec2:eu-west-1:123456789012:network-acl/*"}])
role("other-tag", "eu-west-2", [{"Sid": "Tagged", "Effect": "Allow", "Action": "rds:FailoverDBCluster",
    "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/jurisdiction": "EU"}}}])
role("not-fis", "eu-west-2", [{"Effect": "Allow", "Action": "rds:FailoverDBCluster", "Resource": "*"}],
    trust=TRUST.replace("fis.amazonaws.com", "rds.amazonaws.com"))
"""
)


@pytest.fixture(scope="module")
def reported(tmp_path_factory) -> dict[str, str]:
    diagnostics = evaluate(POLICY, run_snippet(tmp_path_factory.mktemp("roles"), PROGRAM))
    assert {d.enforcement for d in diagnostics} == {"mandatory"}
    return {d.urn.rsplit("::", 1)[1]: d.detail for d in diagnostics}


def test_only_the_roles_reaching_beyond_their_jurisdiction_are_reported(reported):
    assert sorted(reported) == ["abroad", "everywhere", "other-tag", "shared-region"]


@pytest.mark.parametrize(
    ("name", "detail"),
    [
        (
            "everywhere",
            "FIS role 'everywhere' (UK): inline policy 'p' Any allows rds:FailoverDBCluster on every resource ('*'); "
            "limit it to UK's resources.",
        ),
        (
            "abroad",
            "FIS role 'abroad' (UK): inline policy 'p' Eu allows rds:FailoverDBCluster on "
            "arn:aws:rds:eu-central-1:123456789012:cluster:* (region 'eu-central-1' is not one of UK's: eu-west-2, "
            "eu-west-1); limit it to UK's resources.",
        ),
        (
            "shared-region",
            "FIS role 'shared-region' (UK): inline policy 'p' Acls allows ec2:CreateNetworkAclEntry on "
            "arn:aws:ec2:eu-west-1:123456789012:network-acl/* (eu-west-1 is shared with EU; add the jurisdiction tag "
            "condition); limit it to UK's resources.",
        ),
        (
            "other-tag",
            "FIS role 'other-tag' (UK): inline policy 'p' Tagged allows rds:FailoverDBCluster on every resource "
            "('*'); limit it to UK's resources.",
        ),
    ],
)
def test_each_way_to_reach_further_is_named(reported, name, detail):
    assert reported[name] == detail


def test_unknown_permissions_of_a_fis_role_are_never_a_pass():
    graph = resource(
        "aws:iam/role:Role",
        {"assumeRolePolicy": TRUST, "inlinePolicies": UNKNOWN, "tags": {"jurisdiction": "UK"}},
        name="r",
    )
    [diagnostic] = evaluate(POLICY, graph)
    assert diagnostic.detail == "FIS role 'r': inline_policies is not known during preview; its reach is unproven."


def test_a_fis_role_without_a_jurisdiction_is_reported():
    [diagnostic] = evaluate(POLICY, resource("aws:iam/role:Role", {"assumeRolePolicy": TRUST}, name="r"))
    assert diagnostic.detail == (
        "FIS role 'r' has no known jurisdiction tag, so its reach cannot be judged; tag it with the cell's "
        "jurisdiction."
    )


def test_a_role_limited_to_its_region_and_tag_passes():
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "ec2:DescribeSubnets", "Resource": "*"},
                {
                    "Effect": "Allow",
                    "Action": "rds:FailoverDBCluster",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:ResourceTag/jurisdiction": "UK"}},
                },
                {
                    "Effect": "Allow",
                    "Action": "ec2:CreateNetworkAclEntry",
                    "Resource": "arn:aws:ec2:eu-west-2:123456789012:network-acl/*",
                },
            ],
        }
    )
    graph = resource(
        "aws:iam/role:Role",
        {
            "assumeRolePolicy": TRUST,
            "inlinePolicies": [{"name": "p", "policy": policy}],
            "tags": {"jurisdiction": "UK"},
        },
        name="r",
    )
    assert evaluate(POLICY, graph) == []


def test_a_fis_role_with_managed_policies_is_reported():
    graph = resource(
        "aws:iam/role:Role",
        {
            "assumeRolePolicy": TRUST,
            "managedPolicyArns": ["arn:aws:iam::aws:policy/service-role/AWSFaultInjectionSimulatorNetworkAccess"],
            "tags": {"jurisdiction": "UK"},
        },
        name="r",
    )
    [diagnostic] = evaluate(POLICY, graph)
    assert diagnostic.detail == (
        "FIS role 'r' attaches managed policies, whose reach this check cannot read; grant the experiment's actions "
        "in an inline policy limited to its jurisdiction."
    )
