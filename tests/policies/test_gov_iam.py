"""Identity policies: wildcard admin, wildcard trust, access keys, IAM users (advisory), PassRole scoping."""

import json

from policies.aws.iam.passrole_scoped import POLICY as PASSROLE
from policies.aws.iam.policy_no_wildcard_admin import POLICY as ADMIN
from policies.aws.iam.role_trust_no_wildcard_principal import POLICY as TRUST
from policies.aws.iam.user_no_access_keys import POLICY as ACCESS_KEYS
from policies.aws.iam.user_not_used import POLICY as USERS
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

COMPLIANT = """
import json
import pulumi_aws as aws
trust = aws.iam.get_policy_document(statements=[{"actions": ["sts:AssumeRole"],
    "principals": [{"type": "Service", "identifiers": ["lambda.amazonaws.com"]}]}])
org_trust = json.dumps({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
    "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-123"}}}]})
role = aws.iam.Role("app", assume_role_policy=trust.json, inline_policies=[{"name": "read",
    "policy": json.dumps({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})}])
aws.iam.Role("org", assume_role_policy=org_trust)
aws.iam.Policy("deploy", policy=json.dumps({"Statement": [
    {"Effect": "Allow", "Action": ["iam:PassRole"], "Resource": "arn:aws:iam::123456789012:role/app"},
    {"Effect": "Deny", "Action": "*", "Resource": "*"},
    {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::ledger/*"}]}))
aws.iam.RolePolicy("inline", role=role.name, policy=json.dumps({"Statement": {"Effect": "Allow",
    "Action": "logs:*", "Resource": "*"}}))
"""

BROKEN = """
import json
import pulumi_aws as aws
admin = json.dumps({"Statement": [{"Sid": "God", "Effect": "Allow", "Action": "*:*", "Resource": ["*"]}]})
aws.iam.Policy("admin", policy=admin)
aws.iam.UserPolicy("user-admin", user="u", policy=json.dumps({"Statement": [{"Effect": "Allow", "Action": ["*"],
    "Resource": "*"}]}))
aws.iam.GroupPolicy("group-pass", group="g", policy=json.dumps({"Statement": [{"Effect": "Allow",
    "Action": "iam:*", "Resource": "*"}]}))
open_trust = aws.iam.get_policy_document(statements=[{"actions": ["sts:AssumeRole"],
    "principals": [{"type": "AWS", "identifiers": ["*"]}]}])
aws.iam.Role("open", assume_role_policy=open_trust.json, inline_policies=[{"name": "pass",
    "policy": json.dumps({"Statement": [{"Effect": "Allow", "Action": "iam:Pass*",
        "Resource": "arn:aws:iam::123456789012:role/*"}]})}])
aws.iam.Role("star", assume_role_policy=json.dumps({"Statement": [{"Effect": "Allow", "Principal": "*",
    "Action": "sts:AssumeRole"}]}))
user = aws.iam.User("legacy", name="legacy")
aws.iam.AccessKey("legacy-key", user=user.name)
"""


def _details(diagnostics):
    return sorted((d.urn.rsplit("::", 1)[1], d.detail) for d in diagnostics)


def test_compliant_identities_pass(tmp_path):
    graph = run_snippet(tmp_path, COMPLIANT)
    for policy in (ADMIN, TRUST, PASSROLE, ACCESS_KEYS, USERS):
        assert evaluate(policy, graph) == [], policy.name


def test_every_way_to_break_identity(tmp_path):
    graph = run_snippet(tmp_path, BROKEN)
    assert _details(evaluate(ADMIN, graph)) == [
        (
            "admin",
            "IAM policy 'admin': policy allows Action '*' on Resource '*' (Sid 'God'); grant only the actions "
            "and resources the principal needs.",
        ),
        (
            "user-admin",
            "IAM user policy 'user-admin': policy allows Action '*' on Resource '*'; grant only the actions and "
            "resources the principal needs.",
        ),
    ]
    assert _details(evaluate(TRUST, graph)) == [
        (
            "open",
            "IAM role 'open' trusts any principal ('*') without a Condition; name the trusted principals or add "
            "a Condition such as aws:PrincipalOrgID or sts:ExternalId.",
        ),
        (
            "star",
            "IAM role 'star' trusts any principal ('*') without a Condition; name the trusted principals or add "
            "a Condition such as aws:PrincipalOrgID or sts:ExternalId.",
        ),
    ]
    assert _details(evaluate(PASSROLE, graph)) == [
        (
            "group-pass",
            "IAM group policy 'group-pass': policy allows iam:PassRole on '*'; list the specific role ARNs the "
            "principal may pass.",
        ),
        (
            "open",
            "IAM role 'open': inline policy 'pass' allows iam:PassRole on 'arn:aws:iam::123456789012:role/*'; "
            "list the specific role ARNs the principal may pass.",
        ),
    ]
    [key] = evaluate(ACCESS_KEYS, graph)
    assert key.detail == (
        "IAM access key 'legacy-key' for user 'legacy' is a long-lived credential; remove it and use an IAM role "
        "(workloads) or IAM Identity Center (people)."
    )
    assert key.enforcement == "mandatory"
    [user] = evaluate(USERS, graph)
    assert user.enforcement == "advisory"
    assert user.detail == (
        "IAM user 'legacy': prefer an IAM role (workloads) or IAM Identity Center (people); keep an IAM user only "
        "with a recorded reason."
    )


def test_unknown_and_malformed_documents_are_never_a_pass():
    graph = resource("aws:iam/policy:Policy", {"policy": UNKNOWN}, name="p")
    assert [d.detail for d in evaluate(ADMIN, graph)] == [
        "IAM policy 'p': policy is not known during preview; it cannot be shown not to grant '*' on '*'."
    ]
    assert [d.detail for d in evaluate(PASSROLE, graph)] == [
        "IAM policy 'p': policy is not known during preview; iam:PassRole scoping cannot be proven."
    ]
    graph = resource("aws:iam/policy:Policy", {"policy": "{not json"}, name="p")
    assert [d.detail for d in evaluate(ADMIN, graph)] == [
        "IAM policy 'p': policy is not a valid policy document; fix its JSON."
    ]
    role = resource("aws:iam/role:Role", {"assumeRolePolicy": UNKNOWN}, name="r")
    assert [d.detail for d in evaluate(TRUST, role)] == [
        "IAM role 'r': assume_role_policy is not known during preview; it cannot be shown not to trust every principal."
    ]
    inline = resource(
        "aws:iam/role:Role",
        {
            "assumeRolePolicy": json.dumps({"Statement": []}),
            "inlinePolicies": [{"name": "x", "policy": UNKNOWN}],
        },
        name="r",
    )
    assert [d.detail for d in evaluate(ADMIN, inline)] == [
        "IAM role 'r': inline policy 'x' is not known during preview; it cannot be shown not to grant '*' on '*'."
    ]
