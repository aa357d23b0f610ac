"""IAM baseline: boundary on every role, MFA break-glass with alerting, password policy, no users or keys."""

from __future__ import annotations

import json

import pytest

from components.security.iam_baseline import ROLES, IamBaselineArgs, validate_args
from tests.components.helpers import document, only, provider_tags, refusal, role_arn, statements
from trustfabric.engine import ACCOUNT_ID

ROLE = "aws:iam/role:Role"
BOUNDARY = "aws:iam/policy:Policy"


def test_each_cell_has_every_role_named_by_stack_and_cell(prod, dr):
    for graph, stack in ((prod, "prod"), (dr, "dr")):
        names = {r.props["name"] for r in graph.of_type(ROLE)}
        for cell in ("uk", "eu", "us", "ca"):
            assert {f"trustfabric-{stack}-{cell}-{role}" for role in ROLES} <= names
        assert len(names) == len(graph.of_type(ROLE)), "role names must be unique"


def test_every_role_in_every_stack_carries_its_cells_boundary(prod, dr, dev):
    for graph in (prod, dr, dev):
        boundaries = {b.urn: b for b in graph.of_type(BOUNDARY)}
        for role in graph.of_type(ROLE):
            boundary_deps = role.property_dependencies.get("permissionsBoundary", [])
            assert len(boundary_deps) == 1 and boundary_deps[0] in boundaries, role.name
            cell = role.name.split("-", 1)[0]
            # The evidence store's backup role lives in the audit account, under the store's own boundary.
            owner = f"{cell}-evidence" if role.name.startswith(f"{cell}-evidence-") else f"{cell}-iam"
            assert boundaries[boundary_deps[0]].name == f"{owner}-boundary", role.name


def test_boundary_confines_regions_and_forbids_users_keys_and_tampering(prod):
    by_sid = statements(only(prod, BOUNDARY, "uk-iam-boundary"), "policy")
    assert by_sid["DenyOutsideJurisdictionRegions"]["Condition"] == {
        "StringNotEquals": {"aws:RequestedRegion": ["eu-west-2", "eu-west-1"]}
    }
    assert {"iam:CreateUser", "iam:CreateAccessKey"} <= set(by_sid["DenyLongLivedCredentials"]["Action"])
    assert "cloudtrail:StopLogging" in by_sid["DenyAuditTampering"]["Action"]
    allowed = by_sid["AllowPlatformServices"]["Action"]
    assert "*" not in allowed and all(a.endswith(":*") and a != ":*" for a in allowed)


def test_break_glass_requires_mfa_one_hour_sessions_and_is_alerted(prod):
    role = only(prod, ROLE, "uk-iam-break-glass")
    assert role.props["maxSessionDuration"] == 3600
    trust = document(role, "assumeRolePolicy")["Statement"]
    assert len(trust) == 1
    assert trust[0]["Condition"]["Bool"] == {"aws:MultiFactorAuthPresent": "true"}
    assert trust[0]["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}
    rule = only(prod, "aws:cloudwatch/eventRule:EventRule", "uk-audit-watched-role-assumed")
    pattern = json.loads(rule.props["eventPattern"])
    assert pattern["detail"]["requestParameters"]["roleArn"] == [role_arn("prod", "uk", "break-glass")]
    assert "AssumeRole" in pattern["detail"]["eventName"]
    target = only(prod, "aws:cloudwatch/eventTarget:EventTarget", "uk-audit-watched-role-assumed-to-alerts")
    topic = only(prod, "aws:sns/topic:Topic", "uk-audit-alerts")
    assert target.props["arn"] == f"arn:aws:sns:eu-west-2:{ACCOUNT_ID}:topic/{topic.props['name']}"


def test_no_trust_policy_is_open_and_no_allow_is_star_on_star(prod, dr, dev):
    for graph in (prod, dr, dev):
        for role in graph.of_type(ROLE):
            for statement in document(role, "assumeRolePolicy")["Statement"]:
                assert statement["Principal"] not in ("*", {"AWS": "*"})
                assert statement["Effect"] == "Deny" or "Condition" in statement, role.name
        for policy in graph.of_type("aws:iam/rolePolicy:RolePolicy", BOUNDARY):
            for statement in document(policy, "policy")["Statement"]:
                if statement["Effect"] != "Allow":
                    continue
                actions = statement.get("Action")
                actions = actions if isinstance(actions, list) else [actions]
                assert "*" not in actions, policy.name
                if "iam:PassRole" in actions:
                    resources = (
                        statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
                    )
                    # Specific roles, or the cell's own role-name prefix; never any role.
                    assert all(r != "*" and not r.endswith(":role/*") for r in resources), policy.name


def test_no_iam_users_or_access_keys_anywhere(prod, dr, dev):
    forbidden = ("aws:iam/user", "aws:iam/accessKey", "aws:iam/userLoginProfile", "aws:iam/group")
    for graph in (prod, dr, dev):
        assert [r.type for r in graph.custom_resources if r.type.startswith(forbidden)] == []


def test_vault_broker_trusts_only_vaults_web_identity_and_vends_three_roles(prod):
    broker = only(prod, ROLE, "uk-iam-vault-broker")
    trust = document(broker, "assumeRolePolicy")["Statement"][0]
    host = "vault.trustfabric.internal:8200/v1/identity/oidc/plugins"
    assert trust["Principal"] == {"Federated": f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/{host}"}
    assert trust["Condition"] == {"StringEquals": {f"{host}:aud": "sts.amazonaws.com"}}
    inline = statements(only(prod, "aws:iam/rolePolicy:RolePolicy", "uk-iam-vault-broker-inline"), "policy")
    assert inline["AssumeVendedRoles"]["Resource"] == [
        role_arn("prod", "uk", r) for r in ("read-only", "auditor", "incident-responder")
    ]


def test_auditor_reads_only_its_cells_evidence_buckets(prod):
    inline = statements(only(prod, "aws:iam/rolePolicy:RolePolicy", "eu-iam-auditor-inline"), "policy")
    assert inline["ReadEvidenceBuckets"]["Resource"] == [
        "arn:aws:s3:::tf-prod-eu-audit-*",
        "arn:aws:s3:::tf-prod-eu-audit-*/*",
    ]
    assert set(inline["ReadEvidenceBuckets"]["Action"]) <= {
        "s3:GetObject",
        "s3:GetObjectVersion",
        "s3:ListBucket",
        "s3:ListBucketVersions",
    }


def test_account_singletons_are_declared_once(prod, dr, dev):
    policies = prod.of_type("aws:iam/accountPasswordPolicy:AccountPasswordPolicy")
    assert len(policies) == 1
    props = policies[0].props
    assert props["minimumPasswordLength"] >= 14 and props["passwordReusePrevention"] == 24
    assert all(props[f"require{k}"] for k in ("LowercaseCharacters", "UppercaseCharacters", "Numbers", "Symbols"))
    # dr shares prod's account: the password policy belongs to prod only.
    assert dr.of_type("aws:iam/accountPasswordPolicy:AccountPasswordPolicy") == []
    analyzers = dr.of_type("aws:accessanalyzer/analyzer:Analyzer")
    assert sorted(a.region for a in analyzers) == ["ca-west-1", "eu-west-1", "us-west-2"]
    assert len(prod.of_type("aws:accessanalyzer/analyzer:Analyzer")) == 4
    assert len(dev.of_type("aws:accessanalyzer/analyzer:Analyzer")) == 1


def test_roles_are_parented_and_tagged_through_the_cell_provider(prod):
    role = only(prod, ROLE, "ca-iam-read-only")
    assert role.parent.endswith("trustfabric:security:IamBaseline::ca-iam")
    assert provider_tags(prod, role)["jurisdiction"] == "CA"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"region": "us-east-1"},
            "IamBaseline: region: region 'us-east-1' is outside UK's allowed regions; allowed: eu-west-2, eu-west-1",
        ),
        ({"minimum_password_length": 8}, "IamBaseline: minimum_password_length: 8 is out of range; allowed: 14..128"),
        (
            {"password_reuse_prevention": 5},
            "IamBaseline: password_reuse_prevention: 5 is out of range; allowed: 24..24",
        ),
        (
            {"max_session_duration_seconds": 86400},
            "IamBaseline: max_session_duration_seconds: 86400 is out of range; allowed: 900..43200",
        ),
        (
            {"extra_boundary_services": ("*",)},
            "IamBaseline: extra_boundary_services: '*' is not a service prefix; allowed: a prefix such as 'bedrock'",
        ),
        (
            {"trusted_account_id": "12"},
            "IamBaseline: trusted_account_id: '12' is not an account id; allowed: 12 digits or None",
        ),
    ],
)
def test_bad_arguments_are_refused_with_an_exact_message(changes, message):
    arguments = {"stack": "prod", "cell": "uk", "jurisdiction": "UK", "region": "eu-west-2", **changes}
    assert refusal(lambda: validate_args(IamBaselineArgs(**arguments))) == message


def test_only_the_deploy_role_may_configure_the_trail_and_object_lock(prod):
    by_sid = statements(only(prod, BOUNDARY, "uk-iam-boundary"), "policy")
    tampering = by_sid["DenyAuditTampering"]["Action"]
    assert "cloudtrail:StopLogging" in tampering and "s3:PutBucketObjectLockConfiguration" not in tampering
    reconfigure = by_sid["DenyAuditReconfigurationExceptDeploy"]
    assert reconfigure["Action"] == ["cloudtrail:PutEventSelectors", "s3:PutBucketObjectLockConfiguration"]
    assert reconfigure["Condition"] == {
        "ArnNotEquals": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT_ID}:role/trustfabric-prod-uk-deploy"}
    }


def test_key_admin_may_do_in_iam_what_the_key_policies_grant_it_and_no_more(prod):
    inline = statements(only(prod, "aws:iam/rolePolicy:RolePolicy", "uk-iam-key-admin-inline"), "policy")
    key = statements(only(prod, "aws:kms/key:Key", "uk-keyring-data-restricted"), "policy")
    granted = inline["AdministerCellKeys"]["Action"]
    assert set(granted) == {*key["KeyAdministration"]["Action"], key["KeyPolicyChangeByKeyAdminOnly"]["Action"]}
    assert "kms:PutKeyPolicy" in granted and "kms:Put*" not in granted
    assert not {"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"} & set(granted)
