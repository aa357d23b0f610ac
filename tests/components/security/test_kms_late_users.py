"""Key users declared after the keyring (ModelOps, dataset stores, replication, just-in-time access): admitted by
exact ARN and service in the key policies of prod and dr, and refused with exact messages when mis-declared."""

from __future__ import annotations

from components.security.kms import KmsKeyringArgs, validate_args
from components.security.kms_policy import LateKeyUser, late_user_statements, validate_late_user
from tests.components.helpers import only, refusal, statements

KEY = "aws:kms/key:Key"
REPLICA = "aws:kms/replicaKey:ReplicaKey"
ACCOUNT = "123456789012"


def arn(role: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/{role}"


def test_a_late_user_gets_its_actions_for_its_exact_arn_through_its_services_only():
    user = LateKeyUser("ModelScheduler", "trustfabric-prod-uk-model-scheduler", "data-restricted", ("sqs", "states"))
    assert late_user_statements(ACCOUNT, "eu-west-2", [user]) == [
        {
            "Sid": "LateUseModelScheduler",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": "*",
            "Condition": {
                "StringEquals": {
                    "kms:CallerAccount": ACCOUNT,
                    "kms:ViaService": ["sqs.eu-west-2.amazonaws.com", "states.eu-west-2.amazonaws.com"],
                },
                "ArnEquals": {"aws:PrincipalArn": arn("trustfabric-prod-uk-model-scheduler")},
            },
        }
    ]


def test_grants_are_for_aws_resources_only():
    user = LateKeyUser("X", "r", "data-restricted", ("sagemaker",), ("kms:Decrypt", "kms:CreateGrant"))
    (statement,) = late_user_statements(ACCOUNT, "eu-west-2", [user])
    assert statement["Condition"]["Bool"] == {"kms:GrantIsForAWSResource": "true"}


def test_mis_declared_late_users_are_refused_naming_the_field():
    assert refusal(lambda: validate_late_user(LateKeyUser("bad id", "r", "logs", ("s3",)))) == (
        "LateKeyUser: sid: 'bad id' is not CamelCase letters and digits; allowed: e.g. ModelExecution"
    )
    assert refusal(lambda: validate_late_user(LateKeyUser("X", "r", "logs", ("ec2",)))) == (
        "LateKeyUser X: services: ec2; allowed: s3, sagemaker, states, sqs, sns, scheduler, events, dynamodb"
    )
    assert refusal(lambda: validate_late_user(LateKeyUser("X", "r", "logs", ("s3",), ("kms:*",)))).startswith(
        "LateKeyUser X: actions: kms:*; allowed: kms:Encrypt, kms:Decrypt"
    )
    args = KmsKeyringArgs("UK", "eu-west-2", purposes=("logs",), late_users=(LateKeyUser("X", "r", "state", ("s3",)),))
    assert refusal(lambda: validate_args(args)) == (
        "KmsKeyring: late_users[X]: purpose 'state' has no key; allowed: logs"
    )


def test_prod_data_key_admits_every_modelops_and_dataset_role_of_its_cell(prod):
    by_sid = statements(only(prod, KEY, "uk-keyring-data-restricted"), "policy")
    expected = {
        "LateUseModelExecution": "trustfabric-prod-uk-model-execution",
        "LateUseModelPipelines": "trustfabric-prod-uk-model-pipelines",
        "LateUseModelScheduler": "trustfabric-prod-uk-model-scheduler",
        "LateUseModelRetrainingEvents": "trustfabric-prod-uk-model-retraining-events",
        "LateUseModelApprovalGate": "trustfabric-prod-uk-model-approval-gate",
        "LateUseModelApprovalEvents": "trustfabric-prod-uk-model-approval-events",
        "LateUseDatasetCurator": "trustfabric-prod-uk-dataset-curator",
        "LateUseDatasetEvaluator": "trustfabric-prod-uk-dataset-evaluator",
        "LateUseRecordsReplication": "trustfabric-prod-uk-eu-west-2-records-replication",
        "LateUseModelStoresReplication": "trustfabric-prod-uk-eu-west-2-ml-replication",
        "LateUseDatasetReplication": "trustfabric-prod-uk-dataset-replication",
    }
    for sid, role in expected.items():
        assert by_sid[sid]["Condition"]["ArnEquals"] == {"aws:PrincipalArn": arn(role)}, sid
    assert by_sid["LateUseDatasetEvaluator"]["Action"] == ["kms:Decrypt"]  # the evaluator only reads
    assert by_sid["LateUseRecordsReplication"]["Action"] == ["kms:Decrypt"]  # the source is only read
    # a key of another purpose admits none of them: the logs key admits only the game-day schedules' roles
    assert sorted(
        sid for sid in statements(only(prod, KEY, "uk-keyring-logs"), "policy") if sid.startswith("LateUse")
    ) == sorted(
        f"LateUseGameDay{name}D08" for name in ("ConnectorOutage", "QueueDelay", "AuroraFailover", "AzImpairment")
    )


def test_dr_replica_keys_admit_prods_replication_roles_as_destinations(dr):
    by_sid = statements(only(dr, REPLICA, "uk-keyring-data-restricted-replica"), "policy")
    replication = by_sid["LateUseModelStoresReplication"]
    assert replication["Action"] == ["kms:Encrypt", "kms:GenerateDataKey"]
    assert replication["Condition"]["StringEquals"]["kms:ViaService"] == ["s3.eu-west-1.amazonaws.com"]
    assert replication["Condition"]["ArnEquals"] == {
        "aws:PrincipalArn": arn("trustfabric-prod-uk-eu-west-2-ml-replication")
    }
    assert by_sid["LateUseModelExecution"]["Condition"]["ArnEquals"] == {
        "aws:PrincipalArn": arn("trustfabric-dr-uk-model-execution")
    }
