"""aws-iam-role-permission-boundary: passing and violating cases, config and unknown values."""

from policies.aws.iam.role_permission_boundary import POLICY as BOUNDARY
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details as _details
from tests.policies.programs import program_graph

TRUST = """
import json
import pulumi_aws as aws
trust = json.dumps({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
    "Principal": {"Service": "lambda.amazonaws.com"}}]})
"""

COMPLIANT = (
    TRUST
    + """
boundary = aws.iam.Policy("cell-boundary", name="trustfabric-dev-uk-boundary", policy=json.dumps({"Statement": [
    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
aws.iam.Role("referenced", assume_role_policy=trust, permissions_boundary=boundary.arn)
aws.iam.Role("literal", assume_role_policy=trust,
    permissions_boundary="arn:aws:iam::123456789012:policy/trustfabric-prod-eu-boundary")
aws.iam.Role("with-path", assume_role_policy=trust,
    permissions_boundary="arn:aws-us-gov:iam::123456789012:policy/boundaries/platform/team-boundary")
aws.iam.ServiceLinkedRole("autoscaling", aws_service_name="autoscaling.amazonaws.com")
"""
)

BROKEN = (
    TRUST
    + """
aws.iam.Role("unbounded", assume_role_policy=trust)
aws.iam.Role("empty", assume_role_policy=trust, permissions_boundary="")
aws.iam.Role("aws-managed", assume_role_policy=trust,
    permissions_boundary="arn:aws:iam::aws:policy/AdministratorAccess-boundary")
aws.iam.Role("not-a-policy", assume_role_policy=trust,
    permissions_boundary="arn:aws:iam::123456789012:role/trustfabric-dev-uk-boundary")
aws.iam.Role("other-name", assume_role_policy=trust,
    permissions_boundary="arn:aws:iam::123456789012:policy/PowerUserLimits")
"""
)

FIX = "set permissions_boundary to the ARN of the cell's boundary policy"


def test_roles_bounded_by_a_customer_managed_boundary_pass():
    graph = program_graph(COMPLIANT)
    assert {r.name for r in graph.custom_resources if r.type == "aws:iam/role:Role"} == {
        "referenced",
        "literal",
        "with-path",
    }
    assert evaluate(BOUNDARY, graph) == [], BOUNDARY.name


def test_every_way_to_break_the_boundary():
    graph = program_graph(BROKEN)
    assert _details(evaluate(BOUNDARY, graph)) == [
        (
            "aws-managed",
            "IAM role 'aws-managed': permissions_boundary 'arn:aws:iam::aws:policy/AdministratorAccess-boundary' "
            "is an AWS-managed policy; set it to the ARN of the cell's boundary policy (customer-managed).",
        ),
        ("empty", f"IAM role 'empty' has no permission boundary; {FIX}."),
        (
            "not-a-policy",
            "IAM role 'not-a-policy': permissions_boundary 'arn:aws:iam::123456789012:role/"
            "trustfabric-dev-uk-boundary' is not an IAM policy ARN; set it to the ARN of the cell's boundary policy.",
        ),
        (
            "other-name",
            "IAM role 'other-name': permission boundary 'PowerUserLimits' does not match boundaryNamePattern "
            f"'-boundary$'; {FIX}.",
        ),
        ("unbounded", f"IAM role 'unbounded' has no permission boundary; {FIX}."),
    ]


def test_config_names_another_boundary_naming():
    graph = program_graph(BROKEN)
    config = {"boundaryNamePattern": "^PowerUser"}
    flagged = dict(_details(evaluate(BOUNDARY, graph, config)))
    assert "other-name" not in flagged
    assert set(flagged) == {"aws-managed", "empty", "not-a-policy", "unbounded"}
    compliant = _details(evaluate(BOUNDARY, program_graph(COMPLIANT), config))
    assert [name for name, _ in compliant] == ["literal", "referenced", "with-path"]


def test_a_pattern_that_is_not_a_regular_expression_never_passes():
    role = resource(
        "aws:iam/role:Role",
        {"permissionsBoundary": "arn:aws:iam::123456789012:policy/trustfabric-dev-uk-boundary"},
        name="r",
    )
    assert [d.detail for d in evaluate(BOUNDARY, role, {"boundaryNamePattern": "(unclosed"})] == [
        "IAM role 'r': policy config boundaryNamePattern '(unclosed' is not a regular expression "
        "(missing ), unterminated subpattern at position 0); fix the policy config."
    ]


def test_an_unknown_boundary_is_never_a_pass():
    role = resource("aws:iam/role:Role", {"permissionsBoundary": UNKNOWN}, name="r")
    assert [d.detail for d in evaluate(BOUNDARY, role)] == [
        "IAM role 'r': permissions_boundary is not known during preview; it cannot be shown to carry a permission "
        "boundary."
    ]


def test_other_types_are_not_judged():
    linked = resource("aws:iam/serviceLinkedRole:ServiceLinkedRole", {"awsServiceName": "rds.amazonaws.com"})
    assert evaluate(BOUNDARY, linked) == []
