"""Mutations of the real stacks that the gate must catch: one per mandatory policy that reaches our resources.

Each `Mutation` breaks one real resource of `stacks/` (found by type and logical name) the way a careless change
would: a Pulumi resource transformation edits the resource's arguments as the program declares it (`edit`), or,
for a resource whose absence is the violation (no bucket policy, no audit device), the resource is deleted from
the recorded graph together with every reference to it (`edit=None`; a transformation cannot delete a resource).
`flagged` names the resource the policy must report when that is not the mutated one (stack policies report the
bucket whose public access block is gone, or the stack itself).

tests/gate/test_mutations.py runs each group of mutations (by default: all of one stack) in one program run and
asserts, per policy, that exactly the flagged resource is reported, mandatory, with the expected words, and that
the unmutated stack has no violation of that policy. Mutations in one group may touch the same resource only
through properties that no other policy of the group judges.

Usage::

    from tests.gate.mutations import Transformation, delete_resources, groups

    mutations = groups()["dev"]
    transformation = Transformation(mutations)
    graph = delete_resources(run_program(repo_root, "dev", transformations=[transformation]), mutations)
    assert transformation.unapplied() == []
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pulumi
import pulumi_aws as aws

from trustfabric.graph import ResourceGraph

Edit = Callable[[dict[str, Any]], dict[str, Any]]
"""Resource arguments (Python names, as a transformation sees them) -> the mutated arguments."""

STACK = "<stack>"
"""`flagged` value for a violation reported on the stack itself."""

DELETE = object()
"""`set_at` value that removes the key (a dict key, or an input type's field)."""


@dataclass(frozen=True)
class Mutation:
    """One change to one real resource of a stack, and what the gate must report for it."""

    policy: str
    """The mandatory policy that must catch the change."""
    stack: str
    type: str
    """Type token of the mutated resource."""
    name: str
    """Logical name of the mutated resource (unique per type within the stack)."""
    change: str
    """What the mutation does, in words."""
    expect: str
    """Words the policy's violation message must contain (the property it judged)."""
    edit: Edit | None
    """The transformation of the resource's arguments; None deletes the resource from the graph."""
    flagged: tuple[str, str] | str | None = None
    """(type, name) of the resource the policy reports, or STACK; None: the mutated resource itself."""
    group: str = ""
    """Mutations of one group share a program run; empty: the stack's name."""

    @property
    def run_group(self) -> str:
        return self.group or self.stack

    @property
    def flagged_resource(self) -> tuple[str, str] | str:
        return self.flagged if self.flagged is not None else (self.type, self.name)


# ---------------------------------------------------------------------------------------------------------------
# Edits: copy-on-write changes of nested arguments (plain dicts and lists, `@pulumi.input_type` objects, Outputs).


def _child(value: Any, key: str | int) -> Any:
    if isinstance(value, (dict, list)):
        return value[key]  # type: ignore[index]
    return pulumi.get(value, str(key))


def _with(value: Any, key: str | int, new: Any) -> Any:
    """A copy of `value` with `key` set to `new` (or removed, for DELETE)."""
    if isinstance(value, list):
        items = list(value)
        items[int(key)] = new
        return items
    if isinstance(value, dict):
        mapping = dict(value)
        if new is DELETE:
            mapping.pop(key, None)
        else:
            mapping[key] = new
        return mapping
    duplicate = copy.copy(value)  # an input type: its fields live in __dict__ under their Python names
    pulumi.set(duplicate, str(key), None if new is DELETE else new)
    return duplicate


def update_at(path: Sequence[str | int], change: Callable[[Any], Any]) -> Edit:
    """Replace the value at `path` by `change(value)`: Python names inside input types, wire names inside plain
    dicts (Kubernetes objects), indexes inside lists; Outputs on the way (or at the end) are edited when resolved."""

    def rebuild(value: Any, rest: Sequence[str | int]) -> Any:
        if isinstance(value, pulumi.Output):
            return value.apply(lambda resolved: rebuild(resolved, rest))
        if not rest:
            return change(value)
        return _with(value, rest[0], rebuild(_child(value, rest[0]), rest[1:]))

    def edit(props: dict[str, Any]) -> dict[str, Any]:
        return {**props, str(path[0]): rebuild(props.get(str(path[0])), path[1:])}

    return edit


def set_at(path: Sequence[str | int], value: Any) -> Edit:
    """Set the value at `path`; DELETE removes the last key."""
    if len(path) == 1:

        def edit(props: dict[str, Any]) -> dict[str, Any]:
            result = dict(props)
            if value is DELETE:
                result.pop(str(path[0]), None)
            else:
                result[str(path[0])] = value
            return result

        return edit
    parent, last = path[:-1], path[-1]
    return update_at(parent, lambda container: _with(container, last, value))


def update_json(key: str, change: Callable[[Any], Any]) -> Edit:
    """Edit a JSON document argument (an IAM or bucket policy)."""
    return update_at([key], lambda text: json.dumps(change(json.loads(text))))


def update_text(key: str, change: Callable[[str], str]) -> Edit:
    return update_at([key], change)


def add_statement(statement: dict[str, Any], key: str = "policy") -> Edit:
    def change(document: dict[str, Any]) -> dict[str, Any]:
        statements = document.get("Statement", [])
        statements = [statements] if isinstance(statements, dict) else list(statements)
        return {**document, "Statement": [*statements, statement]}

    return update_json(key, change)


def map_statements(change: Callable[[dict[str, Any]], dict[str, Any] | None], key: str = "policy") -> Edit:
    """Rewrite each statement of a policy document; a statement mapped to None is dropped."""

    def rewrite(document: dict[str, Any]) -> dict[str, Any]:
        statements = document.get("Statement", [])
        statements = [statements] if isinstance(statements, dict) else list(statements)
        kept = [new for new in (change(dict(statement)) for statement in statements) if new is not None]
        return {**document, "Statement": kept}

    return update_json(key, rewrite)


def merge_tags(tags: dict[str, Any]) -> Edit:
    return update_at(["tags"], lambda current: {**dict(current or {}), **tags})


def drop_key(path: Sequence[str | int], key: str) -> Edit:
    """Remove `key` from the mapping at `path` (a tag, a label)."""
    return update_at(path, lambda current: {k: v for k, v in dict(current or {}).items() if k != key})


def _widen_passrole(statement: dict[str, Any]) -> dict[str, Any]:
    actions = statement.get("Action")
    if actions == "iam:PassRole" or (isinstance(actions, list) and "iam:PassRole" in actions):
        return {**statement, "Resource": "arn:aws:iam::123456789012:role/*"}
    return statement


def _without_secure_transport(statement: dict[str, Any]) -> dict[str, Any] | None:
    condition = json.dumps(statement.get("Condition", {}))
    return None if "aws:SecureTransport" in condition else statement


CONTAINER: list[str | int] = ["spec", "template", "spec", "containers", 0]
"""The collector Deployment's first container (plain dicts, wire names)."""

ADMIN_STATEMENT = {"Sid": "Everything", "Effect": "Allow", "Action": "*", "Resource": "*"}
TRUST_ANYONE = {"Sid": "Anyone", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
SUDO_ON_WILDCARD = '\npath "kv/data/ledger/*" {\n  capabilities = ["read", "sudo"]\n}\n'
US_KEY = "arn:aws:kms:us-east-1:123456789012:key/0f000000-0000-4000-8000-000000000000"

KMS_KEY = "aws:kms/key:Key"
BUCKET = "aws:s3/bucket:Bucket"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
DOMAIN = "aws:opensearch/domain:Domain"
CLUSTER = "aws:rds/cluster:Cluster"
TABLE = "aws:dynamodb/table:Table"
SECRET = "aws:secretsmanager/secret:Secret"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"

MUTATIONS: tuple[Mutation, ...] = (
    # --- AWS Backup ----------------------------------------------------------------------------------------------
    Mutation(
        policy="aws-backup-plan-statutory-retention",
        stack="dev",
        type="aws:backup/plan:Plan",
        name="uk-backup-records",
        change="keep UK records backups one year instead of six",
        expect="the longest rule keeps 365 days",
        edit=set_at(["rules", 0, "lifecycle", "delete_after"], 365),
    ),
    Mutation(
        policy="aws-backup-vault-encryption-cmk",
        stack="dev",
        type="aws:backup/vault:Vault",
        name="uk-backup-vault",
        change="drop the vault's customer-managed key",
        expect="not encrypted with a customer-managed KMS key",
        edit=set_at(["kms_key_arn"], DELETE),
    ),
    # --- logging and audit ---------------------------------------------------------------------------------------
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
        policy="aws-cloudwatch-log-group-encryption-cmk",
        stack="dev",
        type=LOG_GROUP,
        name="uk-ledger-postgresql-logs",
        change="drop the log group's KMS key",
        expect="not encrypted with a customer-managed KMS key",
        edit=set_at(["kms_key_id"], DELETE),
    ),
    Mutation(
        policy="aws-cloudwatch-log-group-retention",
        stack="dev",
        type=LOG_GROUP,
        name="uk-logs-audit-logs",
        change="keep OpenSearch audit logs 90 days",
        expect="keeps events for 90 days",
        edit=set_at(["retention_in_days"], 90),
    ),
    # --- data stores ---------------------------------------------------------------------------------------------
    Mutation(
        policy="aws-dynamodb-table-encryption-cmk",
        stack="dev",
        type=TABLE,
        name="uk-ledger-events-table",
        change="fall back to the AWS-owned table key",
        expect="encrypted with an AWS-owned key",
        edit=set_at(["server_side_encryption", "enabled"], False),
    ),
    Mutation(
        policy="aws-backup-data-store-covered",
        stack="dev",
        type=TABLE,
        name="uk-ledger-events-table",
        change="remove the table's backup-tier tag, which the tier0 selection's conditions require",
        expect="not covered by AWS Backup",
        edit=drop_key(["tags"], "backup-tier"),
    ),
    Mutation(
        policy="aws-rds-backup-retention",
        stack="dev",
        type=CLUSTER,
        name="uk-ledger-cluster",
        change="keep automated Aurora backups one day",
        expect="keeps automated backups for 1 day(s)",
        edit=set_at(["backup_retention_period"], 1),
    ),
    Mutation(
        policy="aws-rds-cluster-storage-encrypted",
        stack="dev",
        type=CLUSTER,
        name="uk-ledger-cluster",
        change="turn off Aurora storage encryption",
        expect="is not encrypted at rest",
        edit=set_at(["storage_encrypted"], False),
    ),
    Mutation(
        policy="aws-rds-instance-not-public",
        stack="dev",
        type="aws:rds/clusterInstance:ClusterInstance",
        name="uk-ledger-instance-1",
        change="make the Aurora writer publicly accessible",
        expect="is publicly accessible",
        edit=set_at(["publicly_accessible"], True),
    ),
    Mutation(
        policy="aws-opensearch-domain-encrypt-at-rest",
        stack="dev",
        type=DOMAIN,
        name="uk-logs-domain",
        change="turn off encryption at rest",
        expect="is not encrypted at rest",
        edit=set_at(["encrypt_at_rest", "enabled"], False),
    ),
    Mutation(
        policy="aws-opensearch-domain-enforce-https",
        stack="dev",
        type=DOMAIN,
        name="uk-logs-domain",
        change="accept plain HTTP",
        expect="accepts plain HTTP",
        edit=set_at(["domain_endpoint_options", "enforce_https"], False),
    ),
    Mutation(
        policy="aws-opensearch-domain-node-to-node-encryption",
        stack="dev",
        type=DOMAIN,
        name="uk-logs-domain",
        change="turn off node-to-node encryption",
        expect="does not encrypt traffic between its nodes",
        edit=set_at(["node_to_node_encryption", "enabled"], False),
    ),
    Mutation(
        policy="aws-opensearch-domain-tls-policy",
        stack="dev",
        type=DOMAIN,
        name="uk-logs-domain",
        change="allow TLS 1.0",
        expect="uses Policy-Min-TLS-1-0-2019-07",
        edit=set_at(["domain_endpoint_options", "tls_security_policy"], "Policy-Min-TLS-1-0-2019-07"),
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
    # --- S3 ------------------------------------------------------------------------------------------------------
    Mutation(
        policy="aws-s3-bucket-sse-kms-cmk",
        stack="dev",
        type="aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        name="uk-records-bucket-encryption",
        change="drop kms_master_key_id from the records bucket's SSE rule (AWS-managed aws/s3 key)",
        expect="not encrypted with a customer-managed KMS key",
        edit=set_at(["rules", 0, "apply_server_side_encryption_by_default", "kms_master_key_id"], DELETE),
    ),
    Mutation(
        policy="aws-s3-bucket-policy-secure-transport",
        stack="dev",
        type="aws:s3/bucketPolicy:BucketPolicy",
        name="uk-records-bucket-policy",
        change="remove the deny-insecure-transport statement from the records bucket policy",
        expect="aws:SecureTransport",
        edit=map_statements(_without_secure_transport),
    ),
    Mutation(
        policy="aws-s3-public-access-block-all-enabled",
        stack="dev",
        type="aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        name="uk-audit-access-logs-public-access-block",
        change="turn off block_public_policy",
        expect="leaves block_public_policy off",
        edit=set_at(["block_public_policy"], False),
        group="dev-public-access-block-flag",
    ),
    Mutation(
        policy="aws-s3-bucket-encryption-configured",
        stack="dev",
        type="aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        name="uk-audit-bucket-encryption",
        change="delete the audit bucket's encryption configuration",
        expect="no server-side encryption configuration",
        edit=None,
        flagged=(BUCKET, "uk-audit-bucket"),
    ),
    Mutation(
        policy="aws-s3-bucket-public-access-block",
        stack="dev",
        type="aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        name="uk-records-logs-public-access-block",
        change="delete the records log bucket's public access block",
        expect="has no public access block",
        edit=None,
        flagged=(BUCKET, "uk-records-logs"),
    ),
    Mutation(
        policy="aws-s3-bucket-secure-transport-policy-attached",
        stack="dev",
        type="aws:s3/bucketPolicy:BucketPolicy",
        name="uk-audit-access-logs-policy",
        change="delete the access-log bucket's bucket policy",
        expect="has no bucket policy",
        edit=None,
        flagged=(BUCKET, "uk-audit-access-logs"),
    ),
    # --- network and identity ------------------------------------------------------------------------------------
    Mutation(
        policy="aws-ec2-security-group-no-public-admin-ingress",
        stack="dev",
        type="aws:ec2/securityGroup:SecurityGroup",
        name="uk-ledger-sg",
        change="open SSH (22) to 0.0.0.0/0 on the Aurora security group",
        expect="admits 0.0.0.0/0",
        edit=update_at(
            ["ingress"],
            lambda rules: [
                *(rules or []),
                aws.ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=22, to_port=22, cidr_blocks=["0.0.0.0/0"]),
            ],
        ),
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
    # --- governance ----------------------------------------------------------------------------------------------
    Mutation(
        policy="aws-governance-tags-required",
        stack="dev",
        type="aws:ec2/vpc:Vpc",
        name="uk-network-vpc",
        change="misspell the VPC's data-classification tag",
        expect="'data-classification' is 'confidental'",
        edit=merge_tags({"data-classification": "confidental"}),
    ),
    Mutation(
        policy="aws-governance-no-secrets-in-tags",
        stack="dev",
        type="aws:rds/clusterParameterGroup:ClusterParameterGroup",
        name="uk-ledger-parameters",
        change="put the database password in a tag",
        expect="tag 'db-password' holds a literal value for a secret-named key",
        edit=merge_tags({"db-password": "Tr0ub4dor&3"}),
    ),
    Mutation(
        policy="aws-governance-resource-region-in-jurisdiction",
        stack="dev",
        type=SECRET,
        name="uk-secrets-bank-feeds",
        change="create the UK bank-feeds secret in us-east-1",
        expect="is in us-east-1, outside UK's allowed regions",
        edit=set_at(["region"], "us-east-1"),
    ),
    Mutation(
        policy="aws-governance-destination-region-in-jurisdiction",
        stack="dev",
        type=SECRET,
        name="uk-secrets-ledger-db",
        change="replicate the UK ledger database secret to us-east-1",
        expect="replicates to us-east-1 in us-east-1",
        edit=set_at(["replicas"], [aws.secretsmanager.SecretReplicaArgs(region="us-east-1", kms_key_id=US_KEY)]),
    ),
    Mutation(
        policy="stack-dr-readiness-replica-in-paired-region",
        stack="dr",
        type=CLUSTER,
        name="uk-ledger-cluster",
        change="detach the UK standby Aurora cluster from its global database",
        expect="is not a member of a global database",
        edit=set_at(["global_cluster_identifier"], DELETE),
    ),
    # --- Kubernetes ----------------------------------------------------------------------------------------------
    Mutation(
        policy="kubernetes-governance-labels-required",
        stack="dev",
        type="kubernetes:core/v1:Service",
        name="uk-telemetry-collector-service",
        change="remove the collector Service's owner label",
        expect="'owner' is missing",
        edit=drop_key(["metadata", "labels"], "owner"),
    ),
    Mutation(
        policy="kubernetes-pod-no-privileged",
        stack="dev",
        type=DEPLOYMENT,
        name="uk-telemetry-collector",
        change="run the collector container privileged",
        expect="runs privileged",
        edit=set_at([*CONTAINER, "securityContext", "privileged"], True),
    ),
    Mutation(
        policy="kubernetes-pod-no-privilege-escalation",
        stack="dev",
        type=DEPLOYMENT,
        name="uk-telemetry-collector",
        change="allow privilege escalation in the collector container",
        expect="may escalate privileges",
        edit=set_at([*CONTAINER, "securityContext", "allowPrivilegeEscalation"], True),
    ),
    Mutation(
        policy="kubernetes-pod-run-as-non-root",
        stack="dev",
        type=DEPLOYMENT,
        name="uk-telemetry-collector",
        change="let the collector container run as root",
        expect="may run as root",
        edit=set_at([*CONTAINER, "securityContext", "runAsNonRoot"], False),
    ),
    Mutation(
        policy="kubernetes-pod-resource-limits",
        stack="dev",
        type=DEPLOYMENT,
        name="uk-telemetry-collector",
        change="drop the collector container's memory limit",
        expect="has no memory limit",
        edit=set_at([*CONTAINER, "resources", "limits", "memory"], DELETE),
    ),
    # --- Vault ---------------------------------------------------------------------------------------------------
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
)


def groups(mutations: Iterable[Mutation] = MUTATIONS) -> dict[str, list[Mutation]]:
    """Mutations by run group, in table order."""
    found: dict[str, list[Mutation]] = {}
    for mutation in mutations:
        found.setdefault(mutation.run_group, []).append(mutation)
    return found


@dataclass
class Transformation:
    """A stack transformation applying the edits of `mutations` and counting what each one matched."""

    mutations: Sequence[Mutation]
    applied: Counter[int] = field(default_factory=Counter)

    def __call__(self, args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult | None:
        props = dict(args.props)
        matched = False
        for index, mutation in enumerate(self.mutations):
            if mutation.edit is None or (mutation.type, mutation.name) != (args.type_, args.name):
                continue
            props = mutation.edit(props)
            self.applied[index] += 1
            matched = True
        return pulumi.ResourceTransformationResult(props, args.opts) if matched else None

    def unapplied(self) -> list[Mutation]:
        """Edits that did not match exactly one resource of the run."""
        return [m for i, m in enumerate(self.mutations) if m.edit is not None and self.applied[i] != 1]


def delete_resources(graph: ResourceGraph, mutations: Sequence[Mutation]) -> ResourceGraph:
    """The graph without the resources the deleting mutations name, and without every reference to them.

    Raises LookupError when one of them does not match exactly one resource."""
    doomed: set[str] = set()
    for mutation in mutations:
        if mutation.edit is not None:
            continue
        found = [r.urn for r in graph.resources.values() if (r.type, r.name) == (mutation.type, mutation.name)]
        if len(found) != 1:
            raise LookupError(f"{mutation.policy}: {mutation.type} '{mutation.name}' matched {len(found)} resources")
        doomed.update(found)
    kept = {}
    for urn, resource in graph.resources.items():
        if urn in doomed:
            continue
        kept[urn] = replace(
            resource,
            dependencies=[d for d in resource.dependencies if d not in doomed],
            property_dependencies={
                key: [d for d in urns if d not in doomed] for key, urns in resource.property_dependencies.items()
            },
        )
    return replace(graph, resources=kept)


__all__ = [
    "DELETE",
    "MUTATIONS",
    "STACK",
    "Mutation",
    "Transformation",
    "delete_resources",
    "drop_key",
    "groups",
    "set_at",
    "update_at",
]
