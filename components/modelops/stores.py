"""ModelOps stores of a cell: model artefacts, training-data lineage and explainability records, each a locked,
encrypted, logged bucket of the secure-bucket functions (`components/storage/secure_bucket.py`), replicated
to the paired region of the same jurisdiction.

Three stores (`KINDS`), each `trustfabric-<deployment>-<cell>-ml-<kind>-<region>-<account>`:

- `artefact`: trained model artefacts, by family and training job (what a model package points at);
- `lineage`: training-data manifests, golden datasets (`golden/<jurisdiction>/`), the evaluation records the
  approval gate reads (`evaluations/<group>/<version>/metrics.json`), and the endpoints' captured data;
- `explain`: the explainability store: reasoning traces, feature importance and citations kept beside each
  output, keyed by model version and request.

Each is versioned, SSE-KMS with the cell's data key (bucket key on), object lock in COMPLIANCE mode for the
jurisdiction's statutory retention (`domain.residency`), expiring after it, TLS-only with KMS-encrypted uploads
only, every public access block, owner-enforced ownership, server access logs into its own log bucket, tagged
`backup-tier: records` (backed up with the records tier). With `replicate_to_region` (prod) every object is
replicated, with replication time control and delete markers, to the same store in the paired region (dr's),
encrypted there with the data key's replica; with `replica_source_region` (dr) the store is that replica target
and says so in its `replica-of` tag.

Usage::

    stores = ModelStores(
        "uk-model-stores",
        ModelStoresArgs(deployment="prod", cell="uk", jurisdiction="UK", region="eu-west-2",
                        kms_key_arn=key_arns["data-restricted"], replicate_to_region="eu-west-1",
                        replica_kms_key_arn=replica_key_arn),
        opts=pulumi.ResourceOptions(parent=cell, provider=uk_provider),
    )
    stores.bucket_names["lineage"]
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.documents import policy_document
from components.resilience.records_bucket import (
    REPLICA_OF_TAG,
    records_bucket_policy,
    replication_destination,
    retention_days,
)
from components.storage.secure_bucket import AccessLogs, lifecycle_rule, locked_bucket
from components.trust import assume_role_policy
from components.validation import require_jurisdiction, require_range, require_region_in_jurisdiction
from domain.naming import bucket_arn, cell_prefix
from domain.residency import JURISDICTIONS
from domain.tags import BACKUP_TIER, MODELOPS_STORE

KINDS = ("artefact", "lineage", "explain")
"""The stores of a cell, by kind."""
TIER = "records"
"""Recovery tier of the stores (their `backup-tier` tag): they hold records an auditor traces outputs to."""
LOG_RETENTION_DAYS = 400
LOG_NONCURRENT_DAYS = 30


def store_name(deployment: str, cell: str, kind: str, region: str, account_id: str) -> str:
    """`trustfabric-prod-uk-ml-lineage-eu-west-2-123456789012` (S3 names are global: region and account)."""
    return f"{cell_prefix(deployment, cell)}-ml-{kind}-{region}-{account_id}"


def store_log_name(deployment: str, cell: str, kind: str, region: str, account_id: str) -> str:
    """The server access-log bucket beside a store."""
    return f"{cell_prefix(deployment, cell)}-ml-{kind}-logs-{region}-{account_id}"


def replication_role_name(deployment: str, cell: str, region: str) -> str:
    """The stores' replication role, e.g. `trustfabric-prod-uk-eu-west-2-ml-replication` (the key policies of the
    source and destination keys admit it by this name)."""
    return f"{cell_prefix(deployment, cell)}-{region}-ml-replication"


@dataclass(frozen=True)
class ModelStoresArgs:
    """Arguments of a cell's ModelOps stores."""

    deployment: str
    """Name shared by the stacks of a pair (`prod` for prod and dr); part of the bucket names."""
    cell: str
    jurisdiction: str
    """Jurisdiction code: allowed regions and the statutory retention come from it."""
    region: str
    kms_key_arn: pulumi.Input[str]
    """The cell's data key in `region`."""
    replicate_to_region: str | None = None
    """Replicate every store to the same cell's store in this region (the paired region)."""
    replica_kms_key_arn: pulumi.Input[str] | None = None
    """The data key's replica in `replicate_to_region`; required with it."""
    replica_source_region: str | None = None
    """The stores are replica targets of the same cell's stores in this region (the dr footprint)."""
    retention_years: int | None = None
    """Object lock and expiry in years; None: the jurisdiction's statutory years. Never lower."""
    permissions_boundary_arn: pulumi.Input[str] | None = None
    """Boundary of the replication role."""


def validate_args(args: ModelStoresArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_jurisdiction("ModelStores", "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction("ModelStores", "region", args.region, args.jurisdiction)
    jurisdiction = JURISDICTIONS[args.jurisdiction]
    for field_name in ("replicate_to_region", "replica_source_region"):
        other = getattr(args, field_name)
        if other is None:
            continue
        require_region_in_jurisdiction("ModelStores", field_name, other, args.jurisdiction)
        if other == args.region:
            raise ValueError(f"ModelStores: {field_name}: {other!r} is the stores' own region; allowed: another region")
    if args.replicate_to_region is not None and args.replica_source_region is not None:
        raise ValueError(
            "ModelStores: replica_source_region: a replica target does not replicate itself; "
            "allowed: one of replicate_to_region, replica_source_region"
        )
    if args.replicate_to_region is not None and args.replica_kms_key_arn is None:
        raise ValueError(
            "ModelStores: replica_kms_key_arn: required with replicate_to_region; "
            f"allowed: the data key's replica in {args.replicate_to_region}"
        )
    if args.retention_years is not None:
        require_range("ModelStores", "retention_years", args.retention_years, jurisdiction.retention_years, 100)


def replication_policy(sources: list[str], destinations: list[str], source_key: str, replica_key: str) -> str:
    """Least privilege for replicating the stores: read the sources' versions, write replicas, use the two keys."""
    return policy_document(
        [
            {
                "Sid": "ReadSourceConfiguration",
                "Effect": "Allow",
                "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"],
                "Resource": [bucket_arn(name) for name in sources],
            },
            {
                "Sid": "ReadSourceVersions",
                "Effect": "Allow",
                "Action": [
                    "s3:GetObjectVersionForReplication",
                    "s3:GetObjectVersionAcl",
                    "s3:GetObjectVersionTagging",
                    "s3:GetObjectRetention",
                    "s3:GetObjectLegalHold",
                ],
                "Resource": [f"{bucket_arn(name)}/*" for name in sources],
            },
            {
                "Sid": "WriteReplicas",
                "Effect": "Allow",
                "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
                "Resource": [f"{bucket_arn(name)}/*" for name in destinations],
            },
            {"Sid": "DecryptSource", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": source_key},
            {
                "Sid": "EncryptReplicas",
                "Effect": "Allow",
                "Action": ["kms:Encrypt", "kms:GenerateDataKey"],
                "Resource": replica_key,
            },
        ]
    )


def _named(
    account_id: pulumi.Output[str], args: ModelStoresArgs, kind: str, region: str, *, logs: bool = False
) -> pulumi.Output[str]:
    """A store's (or its log bucket's) name in `region`, once the account is known."""
    name = store_log_name if logs else store_name

    def render(account: str) -> str:
        return name(args.deployment, args.cell, kind, region, account)

    return account_id.apply(render)


class ModelStores(pulumi.ComponentResource):
    """The artefact, lineage and explainability stores of a cell."""

    bucket_names: dict[str, pulumi.Output[str]]
    bucket_arns: dict[str, pulumi.Output[str]]
    log_bucket_arns: list[pulumi.Output[str]]
    replication_dimensions: dict[str, dict[str, pulumi.Output[str]]]
    """Store kind -> the dimensions of its replication rule's S3 metrics (replication time control); empty when the
    stores do not replicate (dr, dev). The on-call layer alarms on them (`stacks/store_alarms.py`)."""

    def __init__(self, name: str, args: ModelStoresArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:modelops:ModelStores", name, None, opts)
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        years = args.retention_years or JURISDICTIONS[args.jurisdiction].retention_years
        days = retention_days(years)
        self.bucket_names, self.bucket_arns, self.log_bucket_arns = {}, {}, []
        versionings: list[aws.s3.BucketVersioning] = []
        for kind in KINDS:
            tags: dict[str, pulumi.Input[str]] = {BACKUP_TIER: TIER, MODELOPS_STORE: kind}
            if args.replica_source_region is not None:
                tags[REPLICA_OF_TAG] = _named(account_id, args, kind, args.replica_source_region).apply(bucket_arn)
            store = locked_bucket(
                f"{name}-{kind}",
                bucket_name=_named(account_id, args, kind, args.region),
                kms_key_arn=args.kms_key_arn,
                policy=lambda bucket: bucket.bucket.apply(records_bucket_policy),
                lifecycle=lifecycle_rule(f"{kind}-retention", expiration_days=days, noncurrent_days=days),
                logs=AccessLogs(
                    f"{name}-{kind}-logs",
                    bucket_name=_named(account_id, args, kind, args.region, logs=True),
                    account_id=account_id,
                    retention_days=LOG_RETENTION_DAYS,
                    noncurrent_days=LOG_NONCURRENT_DAYS,
                    prefix=f"ml-{kind}/{args.region}/",
                ),
                parent=self,
                years=years,
                tags=tags,
            )
            self.bucket_names[kind] = store.bucket.bucket
            self.bucket_arns[kind] = store.bucket.arn
            self.log_bucket_arns.append(store.log_bucket.arn)
            versionings.append(store.versioning)

        self.replication_dimensions = {}
        if args.replicate_to_region is not None and args.replica_kms_key_arn is not None:
            self.replication_dimensions = self._replication(
                name, args, args.replica_kms_key_arn, versionings, account_id
            )

        self.register_outputs(
            {
                "bucket_names": self.bucket_names,
                "bucket_arns": self.bucket_arns,
                "log_bucket_arns": self.log_bucket_arns,
            }
        )

    def _replication(
        self,
        name: str,
        args: ModelStoresArgs,
        replica_key: pulumi.Input[str],
        versionings: list[aws.s3.BucketVersioning],
        account_id: pulumi.Output[str],
    ) -> dict[str, dict[str, pulumi.Output[str]]]:
        paired = str(args.replicate_to_region)
        dimensions: dict[str, dict[str, pulumi.Output[str]]] = {}
        child = pulumi.ResourceOptions(parent=self)

        def names(region: str) -> pulumi.Output[list[str]]:
            return account_id.apply(
                lambda account: [store_name(args.deployment, args.cell, kind, region, account) for kind in KINDS]
            )

        role = aws.iam.Role(
            f"{name}-replication-role",
            name=replication_role_name(args.deployment, args.cell, args.region),
            description=f"S3 replication of the {args.jurisdiction} ModelOps stores to {paired}",
            assume_role_policy=account_id.apply(lambda account: assume_role_policy("s3.amazonaws.com", account)),
            permissions_boundary=args.permissions_boundary_arn,
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-replication-role-policy",
            role=role.id,
            policy=pulumi.Output.all(names(args.region), names(paired), args.kms_key_arn, replica_key).apply(
                lambda values: replication_policy(values[0], values[1], values[2], values[3])
            ),
            opts=child,
        )
        for kind, versioning in zip(KINDS, versionings, strict=True):
            destination_name = _named(account_id, args, kind, paired)
            destination = destination_name.apply(bucket_arn)
            dimensions[kind] = {
                "SourceBucket": self.bucket_names[kind],
                "DestinationBucket": destination_name,
                "RuleId": pulumi.Output.from_input(f"ml-{kind}-to-{paired}"),
            }
            aws.s3.BucketReplicationConfig(
                f"{name}-{kind}-replication",
                bucket=self.bucket_names[kind],
                role=role.arn,
                rules=[
                    aws.s3.BucketReplicationConfigRuleArgs(
                        id=dimensions[kind]["RuleId"],
                        status="Enabled",
                        priority=1,
                        filter=aws.s3.BucketReplicationConfigRuleFilterArgs(prefix=""),
                        delete_marker_replication=aws.s3.BucketReplicationConfigRuleDeleteMarkerReplicationArgs(
                            status="Enabled"
                        ),
                        source_selection_criteria=aws.s3.BucketReplicationConfigRuleSourceSelectionCriteriaArgs(
                            sse_kms_encrypted_objects=aws.s3.BucketReplicationConfigRuleSourceSelectionCriteriaSseKmsEncryptedObjectsArgs(
                                status="Enabled"
                            ),
                        ),
                        destination=replication_destination(destination, replica_key),
                    )
                ],
                opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning]),
            )
        return dimensions
