"""The roles of a cell declared after its keyring that use one of its keys: the keyring admits them by exact ARN.

KMS refuses a key policy naming a principal that does not exist yet, and the security layer (keys) comes before
the layers whose roles use them (ModelOps, dataset stores, replication, just-in-time access). Their names are
deterministic, so the keyring admits each one by `aws:PrincipalArn` and only through the services it works with
(`components.security.kms_policy.LateKeyUser`). The policy `aws-kms-key-policy-admits-role-users` proves that no
role of the stack reads or writes what a key of the stack encrypts without being one of its users.

==========================  =========================  ==============================================  ==========
role                        layer                      why it needs the cell's data key                services
==========================  =========================  ==============================================  ==========
model-execution             ModelOps pipelines         jobs, models, monitors read/write the stores    s3 sagemaker
model-pipelines             ModelOps pipelines         evaluation/retraining state machine data        states
model-scheduler             ModelOps pipelines         encrypted schedule, DLQ, starts the evaluation  scheduler sqs states
model-retraining-events     ModelOps pipelines         starts the encrypted retraining state machine   states
model-approval-gate         ModelOps registry          gate state machine data, evaluation records     states s3
model-approval-events       ModelOps registry          starts the encrypted gate state machine         states
<region>-ml-replication     ModelOps stores            S3 replication: decrypt here, encrypt in dr     s3
dataset-curator/evaluator   quality (dataset store)    add / read golden dataset versions              s3
dataset-replication         quality (dataset store)    S3 replication: decrypt here, encrypt in dr     s3
<region>-records-replic.    resilience (records)       S3 replication: decrypt here, encrypt in dr     s3
access-grants-<region>      identity (JIT access)      the requests table or, dr, its replica          dynamodb
<cell>-erasure-<region>     governance (erasure)       the events table, its ledger, its executions    dynamodb states
<cell>-<region>-gd-<key>    delivery (game days)       encrypted schedule input, the dead-letter queue scheduler sqs
==========================  =========================  ==============================================  ==========

The replication roles live in prod; dr's replica keys (the destinations) admit them for Encrypt and
GenerateDataKey through S3 in the standby region.
"""

from __future__ import annotations

from components.delivery.game_days import schedule_role_name
from components.identity.jit_access import execution_role_name as access_role_name
from components.modelops.pipelines import EXECUTION_ROLE
from components.modelops.registry import GATE
from components.modelops.stores import replication_role_name as model_replication_role_name
from components.quality.dataset_documents import dataset_role_name
from components.security.kms_policy import LateKeyUser
from domain.naming import erasure_role_name, records_replication_role_name, role_name
from stacks.settings import PRIMARY_STACK, CellSettings, StackSettings, deployment
from stacks.settings_delivery import load_delivery
from stacks.settings_game_days import game_day_schedules, load_game_days

DECRYPT = ("kms:Decrypt",)
READ_WRITE = ("kms:Decrypt", "kms:GenerateDataKey")
REPLICA_WRITE = ("kms:Encrypt", "kms:GenerateDataKey")
EXECUTION = ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey", "kms:CreateGrant")
"""SageMaker creates a grant for a job's encrypted volume in the execution role's name (AWS resources only)."""


def is_paired(settings: StackSettings) -> bool:
    """prod and the standby-footprint stack (dr) form a pair; any other primary-role stack is single-region."""
    return settings.is_standby_footprint or settings.stack == PRIMARY_STACK


def data_key_purpose(classification: str) -> str:
    """The key a cell's data stores use: by the cell's data classification."""
    return "data-restricted" if classification == "restricted" else "data-confidential"


def _modelops(settings: StackSettings, cell: CellSettings, purpose: str) -> list[LateKeyUser]:
    if not any(model.serves(cell.code) for model in settings.models):
        return []

    def named(role: str) -> str:
        return role_name(settings.stack, cell.name, role)

    return [
        LateKeyUser("ModelExecution", named(EXECUTION_ROLE), purpose, ("s3", "sagemaker"), EXECUTION),
        LateKeyUser("ModelPipelines", named("model-pipelines"), purpose, ("states",), READ_WRITE),
        LateKeyUser("ModelScheduler", named("model-scheduler"), purpose, ("scheduler", "sqs", "states"), READ_WRITE),
        LateKeyUser("ModelRetrainingEvents", named("model-retraining-events"), purpose, ("states",), READ_WRITE),
        LateKeyUser("ModelApprovalGate", named(GATE), purpose, ("states", "s3"), READ_WRITE),
        LateKeyUser("ModelApprovalEvents", named("model-approval-events"), purpose, ("states",), READ_WRITE),
    ]


def _replication_roles(settings: StackSettings, cell: CellSettings, source_region: str) -> list[tuple[str, str]]:
    """(sid, role name) of prod's replication roles of the cell, whose source is `source_region`."""
    name = deployment(settings)
    roles = [("RecordsReplication", records_replication_role_name(name, cell.name, source_region))]
    if any(model.serves(cell.code) for model in settings.models):
        roles.append(("ModelStoresReplication", model_replication_role_name(name, cell.name, source_region)))
    if settings.datasets.enabled:
        roles.append(("DatasetReplication", dataset_role_name(PRIMARY_STACK, cell.name, "replication")))
    return roles


def _game_days(settings: StackSettings, cell: CellSettings) -> list[LateKeyUser]:
    """Each game-day schedule's role: Scheduler decrypts the schedule's input and writes the dead-letter queue."""
    delivery = load_delivery(settings)
    if not delivery.chaos_enabled:
        return []
    return [
        LateKeyUser(
            "GameDay" + "".join(part.capitalize() for part in schedule.key.split("-")),
            schedule_role_name(deployment(settings), cell.name, cell.region, schedule.key),
            "logs",
            ("scheduler", "sqs"),
            READ_WRITE,
        )
        for schedule in game_day_schedules(delivery, load_game_days(settings), cell.code)
    ]


def late_key_users(settings: StackSettings, cell: CellSettings) -> list[LateKeyUser]:
    """Every role declared after the cell's keyring that uses one of its keys, with what it may do and how."""
    purpose = data_key_purpose(cell.data_classification)
    users = _modelops(settings, cell, purpose)
    users.append(
        LateKeyUser(
            "ErasureWorkflow",
            erasure_role_name(deployment(settings), cell.name, cell.region),
            purpose,
            ("dynamodb", "states"),
            READ_WRITE,
        )
    )
    if settings.datasets.enabled:
        users += [
            LateKeyUser(
                "DatasetCurator", dataset_role_name(settings.stack, cell.name, "curator"), purpose, ("s3",), READ_WRITE
            ),
            LateKeyUser(
                "DatasetEvaluator", dataset_role_name(settings.stack, cell.name, "evaluator"), purpose, ("s3",), DECRYPT
            ),
        ]
    if is_paired(settings):
        if settings.is_standby_footprint:  # dr's replica keys encrypt what prod's roles replicate here
            users += [
                LateKeyUser(sid, role, purpose, ("s3",), REPLICA_WRITE)
                for sid, role in _replication_roles(settings, cell, cell.paired_region)
            ]
        else:
            users += [
                LateKeyUser(sid, role, purpose, ("s3",), DECRYPT)
                for sid, role in _replication_roles(settings, cell, cell.region)
            ]
    users += _game_days(settings, cell)
    identity = settings.identity
    if identity is not None and _runs_access_workflow(settings, cell):
        users.append(
            LateKeyUser(
                "JitAccessRequests",
                access_role_name(deployment(settings), cell.region),
                "data-confidential",
                ("dynamodb",),
                READ_WRITE,
            )
        )
    return users


def _runs_access_workflow(settings: StackSettings, cell: CellSettings) -> bool:
    """The cell whose data key encrypts the just-in-time requests table its workflow updates: the primary's
    home-region cell (the table), or dr's cell in the home region's pair (the table's replica)."""
    identity = settings.identity
    if identity is None or identity.region not in cell.jurisdiction.allowed_regions:
        return False
    if settings.is_standby_footprint:
        return cell.region == cell.jurisdiction.paired_region(identity.region)
    return settings.role == "primary" and identity.region == cell.region
