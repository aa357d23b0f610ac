"""aws-kms-key-policy-admits-role-users on real programs: a role reaching a key (directly, or through a queue,
state machine or bucket the key encrypts) must be admitted by the key's own policy."""

from __future__ import annotations

import pytest

from policies.aws.kms.key_policy_admits_role_users import POLICY, key_admits
from tests.policies.harness import evaluate, run_snippet

ROLE_ARN = "arn:aws:iam::123456789012:role/trustfabric-prod-uk-model-execution"

PROGRAM = """
import json
import pulumi
import pulumi_aws as aws

ADMIT = {admit}
role = aws.iam.Role("execution", name="trustfabric-prod-uk-model-execution",
    assume_role_policy=json.dumps({{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action":
        "sts:AssumeRole", "Principal": {{"Service": "sagemaker.amazonaws.com"}}}}]}}))
admin = {{"Sid": "KeyAdministration", "Effect": "Allow", "Action": ["kms:Describe*"], "Resource": "*",
          "Principal": {{"AWS": ["arn:aws:iam::123456789012:role/trustfabric-prod-uk-key-admin"]}}}}
key = aws.kms.Key("data", enable_key_rotation=True,
    policy=json.dumps({{"Version": "2012-10-17", "Statement": [admin, *ADMIT]}}))
queue = aws.sqs.Queue("dlq", kms_master_key_id=key.arn)
machine = aws.sfn.StateMachine("gate", role_arn=role.arn, definition="{{}}",
    encryption_configuration={{"type": "CUSTOMER_MANAGED_KMS_KEY", "kms_key_id": key.arn}})
bucket = aws.s3.BucketV2("store")
aws.s3.BucketServerSideEncryptionConfigurationV2("store", bucket=bucket.id, rules=[{{
    "apply_server_side_encryption_by_default": {{"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn}}}}])
aws.iam.RolePolicy("execution-policy", role=role.id, policy={reach}.apply(lambda arn: json.dumps({{
    "Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "{action}", "Resource": arn}}]}})))
"""

BY_ARN = {"Effect": "Allow", "Principal": {"AWS": [ROLE_ARN]}, "Action": ["kms:Decrypt"], "Resource": "*"}
BY_CONDITION = {
    "Sid": "LateUseModelExecution",
    "Effect": "Allow",
    "Principal": {"AWS": "*"},
    "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
    "Resource": "*",
    "Condition": {
        "StringEquals": {"kms:CallerAccount": "123456789012", "kms:ViaService": ["s3.eu-west-2.amazonaws.com"]},
        "ArnEquals": {"aws:PrincipalArn": ROLE_ARN},
    },
}


def details(tmp_path, *, admit, reach="key.arn", action="kms:Decrypt"):
    code = PROGRAM.format(admit=repr(admit), reach=reach, action=action)
    diagnostics = evaluate(POLICY, run_snippet(tmp_path, code))
    assert all(d.enforcement == "mandatory" for d in diagnostics)
    return sorted(d.detail for d in diagnostics)


def refused(reached: str) -> str:
    return (
        f"Role 'trustfabric-prod-uk-model-execution' uses KMS key 'data' ({reached}) but the key policy does not "
        "admit it, so KMS will refuse it; admit the role as a key user (stacks/key_users.py)."
    )


def test_a_role_admitted_by_its_arn_passes(tmp_path):
    assert details(tmp_path, admit=[BY_ARN]) == []


def test_a_role_admitted_by_an_exact_principal_arn_condition_passes(tmp_path):
    assert details(tmp_path, admit=[BY_CONDITION]) == []


def test_a_role_naming_the_key_without_being_a_user_is_refused(tmp_path):
    assert details(tmp_path, admit=[]) == [refused("names the key")]


def test_reaching_an_encrypted_queue_needs_the_queue_key(tmp_path):
    assert details(tmp_path, admit=[], reach="queue.arn", action="sqs:SendMessage") == [
        refused("reaches dlq, which it encrypts")
    ]


def test_reaching_an_encrypted_state_machine_needs_its_key(tmp_path):
    assert details(tmp_path, admit=[], reach="machine.arn", action="states:StartExecution") == [
        refused("reaches gate, which it encrypts")
    ]


def test_reaching_a_bucket_encrypted_by_its_configuration_needs_the_key(tmp_path):
    assert details(tmp_path, admit=[], reach="bucket.arn", action="s3:GetObject") == [
        refused("reaches store, which it encrypts")
    ]


def test_admitting_another_role_or_only_describe_is_not_use(tmp_path):
    other = {**BY_CONDITION, "Condition": {"ArnEquals": {"aws:PrincipalArn": ROLE_ARN.replace("uk", "eu")}}}
    describe_only = {**BY_ARN, "Action": ["kms:DescribeKey"]}
    assert details(tmp_path, admit=[other, describe_only]) == [refused("names the key")]


def test_a_role_reaching_no_key_is_not_judged(tmp_path):
    assert details(tmp_path, admit=[], reach="pulumi.Output.from_input('arn:aws:s3:::other')") == []


def test_key_admits_reads_wildcards_and_refuses_unreadable_documents():
    star = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "kms:*",
                "Resource": "*",
                "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::1:role/trustfabric-prod-uk-*"}},
            }
        ]
    }
    assert key_admits(star, "trustfabric-prod-uk-model-execution") is True
    assert key_admits(star, "trustfabric-prod-eu-model-execution") is False
    assert key_admits("not json", "r") is None


# --- documents a role holds other than a RolePolicy: attached managed policies and the role's own arguments ----

HOLDERS = """
import json
import pulumi
import pulumi_aws as aws

ADMIT = {admit}
admin = {{"Sid": "KeyAdministration", "Effect": "Allow", "Action": ["kms:Describe*"], "Resource": "*",
          "Principal": {{"AWS": ["arn:aws:iam::123456789012:role/trustfabric-prod-uk-key-admin"]}}}}
key = aws.kms.Key("data", enable_key_rotation=True,
    policy=json.dumps({{"Version": "2012-10-17", "Statement": [admin, *ADMIT]}}))
queue = aws.sqs.Queue("dlq", kms_master_key_id=key.arn)
document = queue.arn.apply(lambda arn: json.dumps({{"Version": "2012-10-17",
    "Statement": [{{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": arn}}]}}))
trust = json.dumps({{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "sts:AssumeRole",
    "Principal": {{"Service": "sagemaker.amazonaws.com"}}}}]}})
managed = aws.iam.Policy("send", policy=document)
{holder}
"""

HOLDER = {
    "role-policy-attachment": (
        'role = aws.iam.Role("execution", name="trustfabric-prod-uk-model-execution", assume_role_policy=trust)\n'
        'aws.iam.RolePolicyAttachment("execution-send", role=role.name, policy_arn=managed.arn)'
    ),
    "managed-policy-arns": (
        'aws.iam.Role("execution", name="trustfabric-prod-uk-model-execution", assume_role_policy=trust,\n'
        "    managed_policy_arns=[managed.arn])"
    ),
    "inline-policies": (
        'aws.iam.Role("execution", name="trustfabric-prod-uk-model-execution", assume_role_policy=trust,\n'
        '    inline_policies=[aws.iam.RoleInlinePolicyArgs(name="send", policy=document)])'
    ),
    "policy-attachment": (
        'role = aws.iam.Role("execution", name="trustfabric-prod-uk-model-execution", assume_role_policy=trust)\n'
        'aws.iam.PolicyAttachment("execution-send", roles=[role.name], policy_arn=managed.arn)'
    ),
}
BY_QUEUE = {**BY_CONDITION, "Condition": {**BY_CONDITION["Condition"], "StringEquals": {"kms:ViaService": "sqs.*"}}}


def holder_details(tmp_path, holder: str, *, admit) -> list[str]:
    code = HOLDERS.format(admit=repr(admit), holder=HOLDER[holder])
    diagnostics = evaluate(POLICY, run_snippet(tmp_path, code))
    return sorted((d.detail, d.urn.rsplit("::", 1)[-1]) for d in diagnostics)


@pytest.mark.parametrize("holder", sorted(HOLDER))
def test_an_admitted_role_passes_however_it_holds_the_document(tmp_path, holder):
    assert holder_details(tmp_path, holder, admit=[BY_QUEUE]) == []


def test_a_role_policy_attachment_of_a_managed_policy_is_read(tmp_path):
    assert holder_details(tmp_path, "role-policy-attachment", admit=[]) == [
        (refused("reaches dlq through policy 'send', which it encrypts"), "execution-send")
    ]


def test_a_roles_managed_policy_arns_are_read(tmp_path):
    assert holder_details(tmp_path, "managed-policy-arns", admit=[]) == [
        (refused("reaches dlq through policy 'send', which it encrypts"), "execution")
    ]


def test_a_roles_inline_policies_argument_is_read(tmp_path):
    assert holder_details(tmp_path, "inline-policies", admit=[]) == [
        (refused("reaches dlq, which it encrypts"), "execution")
    ]


def test_a_policy_attachment_naming_the_role_is_read(tmp_path):
    assert holder_details(tmp_path, "policy-attachment", admit=[]) == [
        (refused("reaches dlq through policy 'send', which it encrypts"), "execution-send")
    ]
