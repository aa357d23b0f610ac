"""Mutations for the security policies. Keys, identities, secrets and audit: KMS, IAM, Secrets Manager, the audit trail
and its alert topic, Vault."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from tests.stacks.mutations.edits import DELETE, add_statement, map_statements, set_at, update_at, update_text
from tests.stacks.mutations.model import STACK, Mutation

ADMIN_STATEMENT = {"Sid": "Everything", "Effect": "Allow", "Action": "*", "Resource": "*"}
TRUST_ANYONE = {"Sid": "Anyone", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
SUDO_ON_WILDCARD = '\npath "kv/data/ledger/*" {\n  capabilities = ["read", "sudo"]\n}\n'
KMS_KEY = "aws:kms/key:Key"
SECRET = "aws:secretsmanager/secret:Secret"


def _widen_passrole(statement: dict[str, Any]) -> dict[str, Any]:
    actions = statement.get("Action")
    if actions == "iam:PassRole" or (isinstance(actions, list) and "iam:PassRole" in actions):
        return {**statement, "Resource": "arn:aws:iam::123456789012:role/*"}
    return statement


MUTATIONS: tuple[Mutation, ...] = (
    Mutation(
        policy="aws-secretsmanager-rotation-function-declared",
        stack="dev",
        type="aws:secretsmanager/secretRotation:SecretRotation",
        name="uk-secrets-model-gateway-rotation",
        change="point the rotation at a function no stack declares (the ARN it named before the functions existed)",
        expect="which the stack does not declare, so the first rotation would fail",
        edit=set_at(
            ["rotation_lambda_arn"],
            "arn:aws:lambda:eu-west-2:123456789012:function:trustfabric-dev-uk-secret-rotation",
        ),
    ),
    Mutation(
        policy="aws-lambda-no-literal-secrets",
        stack="dev",
        type="aws:lambda/function:Function",
        name="uk-rotation-api-key",
        change="give the rotation function a password in its environment",
        expect="environment variable 'DB_PASSWORD' holds a literal value for a secret-named key",
        edit=update_at(["environment", "variables"], lambda variables: {**variables, "DB_PASSWORD": "hunter2"}),
    ),
    Mutation(
        policy="aws-lambda-environment-encrypted-cmk",
        stack="dev",
        type="aws:lambda/function:Function",
        name="uk-rotation-api-key",
        change="leave the rotation function's environment under Lambda's AWS-managed key",
        expect="has environment variables and holds confidential data but is not encrypted with a customer-managed",
        edit=set_at(["kms_key_arn"], DELETE),
    ),
    Mutation(
        policy="aws-cloudtrail-multi-region-validation",
        stack="dev",
        type="aws:cloudtrail/trail:Trail",
        name="uk-audit-trail",
        change="turn off log file validation",
        expect="enable_log_file_validation=True",
        edit=set_at(["enable_log_file_validation"], False),
    ),
    Mutation(
        policy="aws-secretsmanager-secret-encryption-cmk",
        stack="dev",
        type=SECRET,
        name="uk-secrets-model-gateway",
        change="drop the secret's customer-managed key",
        expect="not encrypted with a customer-managed KMS key",
        edit=set_at(["kms_key_id"], DELETE),
    ),
    Mutation(
        policy="aws-sns-topic-encrypted",
        stack="dev",
        type="aws:sns/topic:Topic",
        name="uk-audit-alerts",
        change="drop the alert topic's KMS key",
        expect="not encrypted with a customer-managed KMS key",
        edit=set_at(["kms_master_key_id"], DELETE),
    ),
    Mutation(
        policy="aws-iam-passrole-scoped",
        stack="dev",
        type="aws:iam/rolePolicy:RolePolicy",
        name="uk-iam-deploy-inline",
        change="let the deploy role pass any role",
        expect="allows iam:PassRole on 'arn:aws:iam::123456789012:role/*'",
        edit=map_statements(_widen_passrole),
    ),
    Mutation(
        policy="aws-iam-policy-no-wildcard-admin",
        stack="dev",
        type="aws:iam/rolePolicy:RolePolicy",
        name="uk-iam-auditor-inline",
        change="add an Allow * on * statement to the auditor's inline policy",
        expect="allows Action '*' on Resource '*'",
        edit=add_statement(ADMIN_STATEMENT),
    ),
    Mutation(
        policy="aws-iam-role-trust-no-wildcard-principal",
        stack="dev",
        type="aws:iam/role:Role",
        name="uk-iam-read-only",
        change="let any principal assume the read-only role",
        expect="trusts any principal ('*') without a Condition",
        edit=add_statement(TRUST_ANYONE, key="assume_role_policy"),
    ),
    Mutation(
        policy="aws-iam-role-permission-boundary",
        stack="prod",
        type="aws:iam/role:Role",
        name="eu-tenant-northwind-backup-role",
        change="create a tenant's backup role without the cell's permission boundary (the argument is optional)",
        expect="has no permission boundary",
        edit=set_at(["permissions_boundary"], DELETE),
    ),
    Mutation(
        policy="aws-kms-key-deletion-window",
        stack="dev",
        type=KMS_KEY,
        name="uk-keyring-state",
        change="shorten the state key's deletion window to 6 days, below the 7-day floor",
        expect="can be deleted after 6 days",
        edit=set_at(["deletion_window_in_days"], 6),
    ),
    Mutation(
        policy="aws-kms-key-rotation-enabled",
        stack="dev",
        type=KMS_KEY,
        name="uk-keyring-logs",
        change="turn off rotation of the logs key",
        expect="does not rotate its key material",
        edit=set_at(["enable_key_rotation"], False),
    ),
    Mutation(
        policy="vault-policy-no-sudo-on-wildcard",
        stack="dev",
        type="vault:index/policy:Policy",
        name="uk-vault-policy-ledger",
        change="grant sudo on the ledger's KV prefix",
        expect="grants sudo on wildcard path 'kv/data/ledger/*'",
        edit=update_text("policy", lambda text: text + SUDO_ON_WILDCARD),
    ),
    Mutation(
        policy="vault-audit-device-enabled",
        stack="dev",
        type="vault:index/audit:Audit",
        name="uk-vault-audit",
        change="delete the stack's Vault audit device",
        expect="declares no Vault audit device",
        edit=None,
        flagged=STACK,
    ),
    Mutation(
        policy="aws-evidence-store-in-audit-account",
        stack="prod",
        type="pulumi:providers:aws",
        name="uk-audit-account",
        change="point the evidence store's provider at a role in the workload account",
        # Its backup copy vault stays with the audit account's provider in the paired region.
        expect="is split across accounts 123456789012, 444455556666",
        edit=set_at(
            ["assume_roles"],
            [
                aws.ProviderAssumeRoleArgs(
                    role_arn="arn:aws:iam::123456789012:role/trustfabric-evidence-store-deployer",
                    external_id="trustfabric-prod-evidence-store",
                    session_name="trustfabric-prod-evidence",
                )
            ],
        ),
        flagged=("aws:s3/bucket:Bucket", "uk-evidence-bucket"),
    ),
)
