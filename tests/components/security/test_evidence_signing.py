"""The evidence signing key: asymmetric SIGN_VERIFY, no rotation, prod only, signing by the deploy role alone."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from components.security.evidence_signing import ALIAS, EvidenceSigningKeyArgs, signing_key_policy, validate_args
from policies.aws.kms.key_rotation_enabled import POLICY as ROTATION_POLICY
from tests.components.helpers import only, provider_region, provider_tags, refusal, role_arn, statements
from tests.policies.harness import evaluate
from trustfabric.engine import ACCOUNT_ID
from trustfabric.graph import ResourceGraph

KEY = "aws:kms/key:Key"
COMPONENT = "trustfabric:security:EvidenceSigningKey"
ARGS = EvidenceSigningKeyArgs(jurisdiction="UK", region="eu-west-2", signer_role_arns=("arn:deploy",))


def evidence_keys(graph):
    return [k for k in graph.of_type(KEY) if k.parent and f"{COMPONENT}::" in k.parent]


def test_prod_declares_one_asymmetric_signing_key_in_the_first_cell(prod):
    [key] = evidence_keys(prod)
    assert key.name == "uk-evidence-key"
    assert key.props["keyUsage"] == "SIGN_VERIFY"
    assert key.props["customerMasterKeySpec"] == "ECC_NIST_P256"
    assert key.props["enableKeyRotation"] is False
    assert key.props["deletionWindowInDays"] == 30
    assert provider_region(prod, key) == "eu-west-2"
    assert provider_tags(prod, key)["jurisdiction"] == "UK"
    alias = only(prod, "aws:kms/alias:Alias", "uk-evidence-alias")
    assert alias.props["name"] == ALIAS


def test_dr_and_dev_declare_none(dr, dev):
    assert evidence_keys(dr) == []
    assert evidence_keys(dev) == []


def test_only_the_deploy_role_signs_and_auditors_verify(prod):
    [key] = evidence_keys(prod)
    by_sid = statements(key, "policy")
    deploy, auditor = role_arn("prod", "uk", "deploy"), role_arn("prod", "uk", "auditor")
    assert by_sid["SignBySignerRolesOnly"] == {
        "Sid": "SignBySignerRolesOnly",
        "Effect": "Allow",
        "Principal": {"AWS": [deploy]},
        "Action": ["kms:Sign", "kms:GetPublicKey", "kms:DescribeKey"],
        "Resource": "*",
        "Condition": {"StringEquals": {"kms:CallerAccount": ACCOUNT_ID}},
    }
    assert by_sid["DenySignExceptSignerRoles"]["Effect"] == "Deny"
    assert by_sid["DenySignExceptSignerRoles"]["Principal"] == {"AWS": "*"}
    assert by_sid["DenySignExceptSignerRoles"]["Condition"] == {"ArnNotEquals": {"aws:PrincipalArn": [deploy]}}
    assert by_sid["PublicKeyAndVerifyForAuditors"]["Principal"] == {"AWS": [auditor]}
    assert by_sid["PublicKeyAndVerifyForAuditors"]["Action"] == ["kms:GetPublicKey", "kms:Verify", "kms:DescribeKey"]
    assert by_sid["KeyAdministration"]["Principal"] == {"AWS": [role_arn("prod", "uk", "key-admin")]}
    for statement in by_sid.values():
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        assert "kms:*" not in actions and "*" not in actions
        assert ":root" not in json.dumps(statement["Principal"])
        if statement["Effect"] == "Allow" and "kms:Sign" in actions:
            assert statement["Principal"] == {"AWS": [deploy]}


def test_without_auditors_no_one_else_is_granted():
    policy = json.loads(signing_key_policy("123456789012", [], ["arn:deploy"], []))["Statement"]
    assert [s["Sid"] for s in policy] == [
        "KeyAdministration",
        "KeyPolicyChangeByKeyAdminOnly",
        "DenyKeyPolicyChangeExceptKeyAdmin",
        "SignBySignerRolesOnly",
        "DenySignExceptSignerRoles",
    ]
    assert policy[0]["Principal"] == {"AWS": ["arn:aws:iam::123456789012:role/trustfabric-key-admin"]}


def test_the_rotation_policy_leaves_the_asymmetric_key_alone(prod):
    """AWS cannot rotate asymmetric keys; aws-kms-key-rotation-enabled judges symmetric keys only."""
    [key] = evidence_keys(prod)
    alone = ResourceGraph(project=prod.project, stack=prod.stack, config=dict(prod.config))
    alone.resources[key.urn] = key
    assert key.props["enableKeyRotation"] is False
    assert evaluate(ROTATION_POLICY, alone) == []
    symmetric = replace(key, inputs={**key.inputs, "customerMasterKeySpec": "SYMMETRIC_DEFAULT"})
    alone.resources[key.urn] = symmetric
    assert [d.detail for d in evaluate(ROTATION_POLICY, alone)] == [
        "KMS key 'uk-evidence-key' does not rotate its key material; set enable_key_rotation=True."
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"jurisdiction": "FR"},
            "EvidenceSigningKey: jurisdiction: unknown jurisdiction 'FR'; allowed: UK, EU, US, CA",
        ),
        (
            {"region": "us-east-1"},
            "EvidenceSigningKey: region: region 'us-east-1' is outside UK's allowed regions; allowed: eu-west-2, eu-west-1",
        ),
        ({"signer_role_arns": ()}, "EvidenceSigningKey: signer_role_arns: must not be empty"),
        (
            {"key_spec": "SYMMETRIC_DEFAULT"},
            "EvidenceSigningKey: key_spec: 'SYMMETRIC_DEFAULT' is not allowed; allowed: ECC_NIST_P256, RSA_2048, "
            "RSA_3072, RSA_4096",
        ),
        (
            {"deletion_window_in_days": 3},
            "EvidenceSigningKey: deletion_window_in_days: 3 is out of range; allowed: 7..30",
        ),
        (
            {"alias_name": "alias/aws/evidence"},
            "EvidenceSigningKey: alias_name: 'alias/aws/evidence'; allowed: alias/<name>, not under alias/aws/",
        ),
    ],
)
def test_validation_names_the_argument(change, message):
    assert refusal(lambda: validate_args(replace(ARGS, **change))) == message


def test_defaults_are_the_secure_ones():
    validate_args(ARGS)
    assert (ARGS.key_spec, ARGS.deletion_window_in_days, ARGS.auditor_role_arns) == ("ECC_NIST_P256", 30, ())
