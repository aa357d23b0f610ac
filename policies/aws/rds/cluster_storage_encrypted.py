"""aws-rds-cluster-storage-encrypted: RDS and Aurora clusters encrypt storage, confidential data with a CMK.

A global cluster has no key of its own (each regional member cluster has one, judged here as a cluster); one
created from an existing cluster (`source_db_cluster_identifier`) inherits that cluster's encryption.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.encryption import flag_and_cmk_validator, require_enabled

META = PolicyMeta(
    id="TF-AWS-RDS-ENC-002",
    name="aws-rds-cluster-storage-encrypted",
    description=(
        "RDS and Aurora clusters and global clusters encrypt their storage at rest, with a customer-managed "
        "KMS "
        "key unless classified public or internal."
    ),
    severity="high",
    topics=("encryption", "data-protection"),
    controls={
        "SOC2": ("CC6.1",),
        "ISO27001:2022": ("A.8.24",),
        "GDPR": ("Art.32",),
        "CIS-AWS-3.0": ("2.3.1",),
    },
    remediation=(
        "Set storage_encrypted=True on the aws.rds.Cluster or aws.rds.GlobalCluster and kms_key_id to the "
        "cell's data key on each cluster."
    ),
)

CLUSTER = "aws:rds/cluster:Cluster"
GLOBAL_CLUSTER = "aws:rds/globalCluster:GlobalCluster"


validate_cluster = flag_and_cmk_validator(
    "RDS cluster", flag_path=("storageEncrypted",), flag_argument="storage_encrypted"
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type == GLOBAL_CLUSTER:
        # An unknown source is still a source: the global cluster inherits the source cluster's encryption.
        if is_unknown(args.props, "sourceDbClusterIdentifier") or get(args.props, "sourceDbClusterIdentifier"):
            return
        require_enabled(
            args,
            report_violation,
            kind="RDS global cluster",
            path=("storageEncrypted",),
            argument="storage_encrypted",
            key_argument=None,
        )
        return
    validate_cluster(args, report_violation)


POLICY = resource_policy(META, validate, resource_types=(CLUSTER, GLOBAL_CLUSTER))
