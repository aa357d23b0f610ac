"""The programs one family of policy tests shares (one compliant, one breaking every policy of it)."""

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
