"""KMS keyring: rotation, deletion window, multi-Region primaries in prod, replicas in dr, key policies."""

from __future__ import annotations

import fnmatch
import json
import textwrap

import pytest

from components.security.kms import PURPOSES, KmsKeyringArgs, replica_key_arn, validate_args
from components.security.kms_policy import key_policy
from domain.residency import JURISDICTIONS
from tests.components.helpers import only, provider_region, provider_tags, refusal, role_arn, statements
from trustfabric.engine import ACCOUNT_ID, run_program

KEY = "aws:kms/key:Key"
REPLICA = "aws:kms/replicaKey:ReplicaKey"
ALIAS = "aws:kms/alias:Alias"
PRIMARY = "arn:aws:kms:eu-west-2:123456789012:key/mrk-0123456789abcdef0123456789abcdef"


def keyring_keys(graph, type_=KEY):
    """The keys the cells' keyrings declare (other components may declare keys of their own)."""
    return [k for k in graph.of_type(type_) if k.parent and "trustfabric:security:KmsKeyring::" in k.parent]


def test_prod_has_a_rotating_multi_region_key_per_purpose_per_cell(prod):
    keys = keyring_keys(prod)
    assert len(keys) == len(PURPOSES) * 4
    for key in keys:
        props = key.props
        assert props["enableKeyRotation"] is True
        assert props["multiRegion"] is True
        assert props["deletionWindowInDays"] == 30
        assert props["rotationPeriodInDays"] == 365


def test_every_key_lives_in_its_cells_primary_region_with_the_tag_contract(prod):
    for code, jurisdiction in JURISDICTIONS.items():
        key = only(prod, KEY, f"{code.lower()}-keyring-logs")
        assert provider_region(prod, key) == jurisdiction.primary_region
        tags = provider_tags(prod, key)
        assert tags["jurisdiction"] == code
        assert tags["data-classification"] == "restricted"
        assert tags["owner"] == "platform-reliability"
        assert key.parent is not None and key.parent.endswith(
            "trustfabric:security:KmsKeyring::" + f"{code.lower()}-keyring"
        )


def test_aliases_by_purpose(prod):
    names = {a.props["name"] for a in prod.of_type(ALIAS)}
    assert "alias/trustfabric/uk/secrets" in names
    assert {f"alias/trustfabric/eu/{p}" for p in PURPOSES} <= names


def test_key_policy_uses_named_roles_and_administers_through_key_admin_only(prod):
    key = only(prod, KEY, "uk-keyring-data-restricted")
    by_sid = statements(key, "policy")
    assert by_sid["KeyAdministration"]["Principal"] == {"AWS": [role_arn("prod", "uk", "key-admin")]}
    assert "kms:Decrypt" not in by_sid["KeyAdministration"]["Action"]
    # the key policy grants no IAM delegation, so the dr replicas need ReplicateKey granted here
    assert "kms:ReplicateKey" in by_sid["KeyAdministration"]["Action"]
    assert by_sid["KeyUse"]["Principal"] == {
        "AWS": [role_arn("prod", "uk", r) for r in ("deploy", "incident-responder", "config-recorder")]
    }
    assert by_sid["KeyUse"]["Condition"] == {"StringEquals": {"kms:CallerAccount": ACCOUNT_ID}}
    for statement in by_sid.values():
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        assert "kms:*" not in actions and "*" not in actions
        assert ":root" not in json.dumps(statement["Principal"])
        if statement["Effect"] == "Allow" and statement["Principal"] in ("*", {"AWS": "*"}):
            # only roles declared after the key, each by its exact ARN, in this account (kms_policy.LateKeyUser)
            assert statement["Sid"].startswith("LateUse")
            assert set(statement["Condition"]["ArnEquals"]) == {"aws:PrincipalArn"}
            assert "*" not in statement["Condition"]["ArnEquals"]["aws:PrincipalArn"]
            assert statement["Condition"]["StringEquals"]["kms:CallerAccount"] == ACCOUNT_ID


def grants(statement: dict, action: str) -> bool:
    """True when the statement's actions (wildcards included, case-insensitive) cover `action`."""
    actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
    return any(fnmatch.fnmatchcase(action.lower(), pattern.lower()) for pattern in actions)


def test_only_the_key_admin_role_may_change_a_key_policy(prod, dr, dev):
    for graph, stack, type_, cells in ((prod, "prod", KEY, 4), (dr, "dr", REPLICA, 4), (dev, "dev", KEY, 1)):
        keys = keyring_keys(graph, type_)
        assert len(keys) == len(PURPOSES) * cells
        for key in keys:
            key_admin = role_arn(stack, key.name.split("-")[0], "key-admin")
            policy = json.loads(key.props["policy"])["Statement"]
            allowed = [s for s in policy if s["Effect"] == "Allow" and grants(s, "kms:PutKeyPolicy")]
            assert [s["Principal"] for s in allowed] == [{"AWS": [key_admin]}], key.name
            (deny,) = [s for s in policy if s["Effect"] == "Deny" and grants(s, "kms:PutKeyPolicy")]
            assert deny["Principal"] == {"AWS": "*"}
            assert deny["Condition"] == {"ArnNotEquals": {"aws:PrincipalArn": [key_admin]}}
            assert "Resource" in deny and deny["Resource"] == "*"


@pytest.mark.parametrize("purpose", PURPOSES)
def test_key_users_and_services_never_get_put_key_policy(purpose):
    admin = "arn:aws:iam::123456789012:role/trustfabric-prod-uk-key-admin"
    user = "arn:aws:iam::123456789012:role/trustfabric-prod-uk-deploy"
    policy = json.loads(key_policy("123456789012", "eu-west-2", purpose, [admin], [user]))["Statement"]
    for statement in policy:
        if statement["Effect"] == "Allow" and grants(statement, "kms:PutKeyPolicy"):
            assert statement["Principal"] == {"AWS": [admin]}
    assert any(s["Effect"] == "Allow" and s["Principal"] == {"AWS": [user]} for s in policy)


def test_without_named_admins_the_accounts_key_admin_role_alone_may_change_the_policy():
    policy = json.loads(key_policy("123456789012", "eu-west-2", "logs", [], []))["Statement"]
    default = "arn:aws:iam::123456789012:role/trustfabric-key-admin"
    (allowed,) = [s for s in policy if s["Effect"] == "Allow" and grants(s, "kms:PutKeyPolicy")]
    assert allowed["Principal"] == {"AWS": [default]}
    (deny,) = [s for s in policy if s["Effect"] == "Deny"]
    assert deny["Condition"] == {"ArnNotEquals": {"aws:PrincipalArn": [default]}}


def test_only_the_confidential_data_key_lets_its_users_create_ecr_grants_for_aws_resources():
    user = "arn:aws:iam::123456789012:role/trustfabric-prod-uk-deploy"
    admin = "arn:aws:iam::123456789012:role/trustfabric-prod-uk-key-admin"
    policy = json.loads(key_policy("123456789012", "eu-west-2", "data-confidential", [admin], [user]))["Statement"]
    grants = [statement for statement in policy if statement["Sid"] == "EcrRepositoryGrants"]
    assert grants == [
        {
            "Sid": "EcrRepositoryGrants",
            "Effect": "Allow",
            "Principal": {"AWS": [user]},
            "Action": "kms:CreateGrant",
            "Resource": "*",
            "Condition": {
                "Bool": {"kms:GrantIsForAWSResource": "true"},
                "StringEquals": {"kms:CallerAccount": "123456789012", "kms:ViaService": "ecr.eu-west-2.amazonaws.com"},
            },
        }
    ]
    logs = json.loads(key_policy("123456789012", "eu-west-2", "logs", [admin], [user]))["Statement"]
    assert [statement["Sid"] for statement in logs if statement["Sid"] == "EcrRepositoryGrants"] == []


def test_logs_key_lets_services_encrypt_only_for_this_account(prod):
    by_sid = statements(only(prod, KEY, "us-keyring-logs"), "policy")
    trail = by_sid["CloudTrailEncrypt"]
    assert trail["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    assert trail["Condition"]["ArnLike"] == {"aws:SourceArn": f"arn:aws:cloudtrail:*:{ACCOUNT_ID}:trail/*"}
    assert by_sid["CloudWatchLogsUse"]["Principal"] == {"Service": "logs.us-east-1.amazonaws.com"}
    assert by_sid["EventBridgePublishToEncryptedTopics"]["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCOUNT_ID}
    }
    topics = by_sid["CloudTrailPublishToEncryptedTopics"]
    assert topics["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    assert sorted(topics["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert topics["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCOUNT_ID},
        "ArnLike": {"aws:SourceArn": f"arn:aws:cloudtrail:*:{ACCOUNT_ID}:trail/*"},
    }
    assert "CloudTrailPublishToEncryptedTopics" not in statements(only(prod, KEY, "us-keyring-secrets"), "policy")


def test_dev_uses_its_configured_deletion_window(dev):
    assert {k.props["deletionWindowInDays"] for k in keyring_keys(dev)} == {7}


def test_dr_declares_replica_keys_in_each_standby_region_and_no_new_keys(dr):
    assert keyring_keys(dr) == []
    replicas = keyring_keys(dr, REPLICA)
    assert len(replicas) == len(PURPOSES) * 4
    for code, jurisdiction in JURISDICTIONS.items():
        for purpose in PURPOSES:
            replica = only(dr, REPLICA, f"{code.lower()}-keyring-{purpose}-replica")
            assert replica.region == jurisdiction.standby_region
            assert provider_region(dr, replica) == jurisdiction.standby_region
            assert replica.props["deletionWindowInDays"] == 30
            assert statements(replica, "policy")["KeyAdministration"]["Principal"] == {
                "AWS": [role_arn("dr", code.lower(), "key-admin")]
            }
    aliases = {a.props["name"] for a in dr.of_type(ALIAS)}
    assert {f"alias/trustfabric/ca/{p}" for p in PURPOSES} <= aliases


def test_a_replica_replicates_the_given_primary(tmp_path):
    """A program using the keyring with a known primary ARN records exactly that ARN on the replica."""
    (tmp_path / "Pulumi.yaml").write_text("name: replica-test\nruntime: python\n")
    (tmp_path / "Pulumi.dr.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    (tmp_path / "__main__.py").write_text(
        textwrap.dedent(
            f"""
            import pulumi_aws as aws
            import pulumi
            from components.security.kms import KmsKeyring, KmsKeyringArgs
            provider = aws.Provider("uk-eu-west-1", region="eu-west-1")
            KmsKeyring(
                "uk-keyring",
                KmsKeyringArgs(jurisdiction="UK", region="eu-west-1", purposes=("logs",),
                               primary_key_arns={{"logs": "{PRIMARY}"}}),
                opts=pulumi.ResourceOptions(provider=provider),
            )
            """
        )
    )
    graph = run_program(tmp_path, "dr")
    replica = only(graph, REPLICA, "uk-keyring-logs-replica")
    assert replica.props["primaryKeyArn"] == PRIMARY
    assert replica.region == "eu-west-1"


def test_replica_arn_is_the_primary_arn_in_another_region():
    assert replica_key_arn(PRIMARY, "eu-west-1") == PRIMARY.replace("eu-west-2", "eu-west-1")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"deletion_window_in_days": 6},
            "KmsKeyring: deletion_window_in_days: 6 is out of range; allowed: 7..30",
        ),
        (
            {"rotation_period_in_days": 30},
            "KmsKeyring: rotation_period_in_days: 30 is out of range; allowed: 90..2560",
        ),
        (
            {"region": "us-east-1"},
            "KmsKeyring: region: region 'us-east-1' is outside UK's allowed regions; allowed: eu-west-2, eu-west-1",
        ),
        (
            {"purposes": ("logs", "misc")},
            "KmsKeyring: purposes: unknown purpose 'misc'; allowed: "
            "data-confidential, data-restricted, logs, backups, secrets, state",
        ),
        (
            {
                "region": "eu-west-1",
                "purposes": ("logs",),
                "primary_key_arns": {"logs": PRIMARY.replace("eu-west-2", "us-east-1")},
            },
            "KmsKeyring: primary_key_arns['logs']: region 'us-east-1' is outside UK's allowed regions; "
            "allowed: eu-west-2, eu-west-1",
        ),
        (
            {
                "region": "eu-west-1",
                "purposes": ("logs",),
                "primary_key_arns": {"logs": "arn:aws:kms:eu-west-2:123456789012:key/1234"},
            },
            "KmsKeyring: primary_key_arns['logs']: 'arn:aws:kms:eu-west-2:123456789012:key/1234' is not a "
            "multi-Region key ARN; allowed: arn:aws:kms:<region>:<account>:key/mrk-<32 hex>",
        ),
        (
            {"region": "eu-west-2", "purposes": ("logs",), "primary_key_arns": {"logs": PRIMARY}},
            "KmsKeyring: primary_key_arns['logs']: the primary is in eu-west-2, the replica's region; "
            "allowed: another region of the jurisdiction",
        ),
        (
            {"region": "eu-west-1", "purposes": ("logs", "state"), "primary_key_arns": {"logs": PRIMARY}},
            "KmsKeyring: primary_key_arns: no primary for state; allowed: one ARN for each of logs, state",
        ),
    ],
)
def test_bad_arguments_are_refused_with_an_exact_message(changes, message):
    arguments = {"jurisdiction": "UK", "region": "eu-west-2", **changes}
    assert refusal(lambda: validate_args(KmsKeyringArgs(**arguments))) == message


def test_key_policies_are_valid_json_everywhere(prod, dr, dev):
    for graph in (prod, dr, dev):
        for key in graph.of_type(KEY, REPLICA):
            assert json.loads(key.props["policy"])["Version"] == "2012-10-17"
