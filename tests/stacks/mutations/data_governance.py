"""Mutations for the data-governance policies: tenant keys and buckets, retention by data class, Macie discovery."""

from __future__ import annotations

from typing import Any

from tests.stacks.mutations.edits import set_at, update_json
from tests.stacks.mutations.model import Mutation

BUCKET = "aws:s3/bucket:Bucket"
UNDECLARED_KEY = "arn:aws:kms:eu-west-2:123456789012:key/0f000000-0000-4000-8000-000000000000"
EU_CELL_KEY = "arn:aws:kms:eu-central-1:123456789012:key/0e000000-0000-4000-8000-000000000000"


def without_sticky_revocation(document: dict[str, Any]) -> dict[str, Any]:
    statements = [s for s in document["Statement"] if s.get("Sid") != "OnlyTenantCustodianReenables"]
    return {**document, "Statement": statements}


MUTATIONS: tuple[Mutation, ...] = (
    Mutation(
        policy="aws-sfn-erasure-workflow-guarded",
        stack="prod",
        type="aws:sfn/stateMachine:StateMachine",
        name="uk-erasure-machine",
        change="log the UK erasure executions with their data (the subject's records)",
        expect="its logs include execution data",
        edit=set_at(["logging_configuration", "include_execution_data"], True),
    ),
    Mutation(
        policy="aws-kms-tenant-key-tenant-can-revoke",
        stack="prod",
        type="aws:kms/key:Key",
        name="uk-tenant-contoso-key",
        change="drop the deny that keeps a tenant's revocation from being undone",
        expect="nothing stops a principal outside account 310987654321 re-enabling the key",
        edit=update_json("policy", without_sticky_revocation),
    ),
    Mutation(
        policy="aws-s3-tenant-bucket-encrypted-with-tenant-key",
        stack="prod",
        type="aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        name="uk-tenant-contoso-bucket-encryption",
        change="encrypt the UK tenant's bucket with a key the stack does not declare for it",
        expect="which is no key this stack declares for tenant 'contoso'",
        edit=set_at(["rules", 0, "apply_server_side_encryption_by_default", "kms_master_key_id"], UNDECLARED_KEY),
        flagged=(BUCKET, "uk-tenant-contoso-bucket"),
    ),
    Mutation(
        policy="aws-s3-bucket-retention-by-data-class",
        stack="prod",
        type="aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        name="uk-records-bucket-lifecycle",
        change="expire UK records after one year",
        expect="deletes objects after 365 days, before the 2192-day minimum",
        edit=set_at(["rules", 0, "expiration", "days"], 365),
        flagged=(BUCKET, "uk-records-bucket"),
    ),
    Mutation(
        policy="aws-macie-discovery-buckets-classified",
        stack="prod",
        type="aws:macie2/classificationJob:ClassificationJob",
        name="eu-macie-discovery",
        change="leave the EU tenant's bucket out of the cell's Macie job",
        expect="is not listed by a scheduled, running Macie classification job in eu-central-1",
        edit=set_at(
            ["s3_job_definition", "bucket_definitions", 0, "buckets"],
            ["trustfabric-prod-eu-records-eu-central-1-123456789012"],
        ),
        flagged=(BUCKET, "eu-tenant-northwind-bucket"),
    ),
    Mutation(
        policy="aws-backup-tenant-store-tenant-key",
        stack="prod",
        type="aws:backup/vault:Vault",
        name="eu-tenant-northwind-backup-vault",
        change="encrypt the EU tenant's backup vault with a key that is not the tenant's",
        expect=f"encrypted with {EU_CELL_KEY}, no key this stack declares for the tenant",
        edit=set_at(["kms_key_arn"], EU_CELL_KEY),
        flagged=(BUCKET, "eu-tenant-northwind-bucket"),
    ),
)
