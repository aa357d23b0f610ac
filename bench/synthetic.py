"""A synthetic Pulumi program of N resources, shaped like a real cell: tagged providers in two regions, KMS keys,
encrypted buckets with their configuration resources, queues and log groups, with references between them.

Usage::

    from bench.synthetic import write_program

    program_dir = write_program(tmp_dir, resources=10_000)   # then run_program(program_dir, "bench")
"""

from __future__ import annotations

from pathlib import Path

# Resources per unit: a key, a bucket with encryption, versioning and public access block, a queue, a log group.
UNIT_SIZE = 7

PROGRAM = """\
import pulumi
import pulumi_aws as aws

config = pulumi.Config()
units = config.require_int("units")
tags = {"jurisdiction": "UK", "data-classification": "confidential", "owner": "bench"}
providers = [
    aws.Provider(f"p-{region}", region=region, default_tags={"tags": tags})
    for region in ("eu-west-2", "eu-west-1")
]
for index in range(units):
    opts = pulumi.ResourceOptions(provider=providers[index % 2])
    key = aws.kms.Key(f"key-{index}", enable_key_rotation=True, deletion_window_in_days=30, opts=opts)
    bucket = aws.s3.Bucket(f"bucket-{index}", opts=opts)
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"bucket-{index}-sse",
        bucket=bucket.id,
        rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn},
                "bucket_key_enabled": True}],
        opts=opts,
    )
    aws.s3.BucketVersioning(f"bucket-{index}-versioning", bucket=bucket.id,
                            versioning_configuration={"status": "Enabled"}, opts=opts)
    aws.s3.BucketPublicAccessBlock(f"bucket-{index}-pab", bucket=bucket.id, block_public_acls=True,
                                   block_public_policy=True, ignore_public_acls=True,
                                   restrict_public_buckets=True, opts=opts)
    aws.sqs.Queue(f"queue-{index}", kms_master_key_id=key.arn, opts=opts)
    aws.cloudwatch.LogGroup(f"logs-{index}", kms_key_id=key.arn, retention_in_days=400, opts=opts)
"""


def write_program(directory: Path, resources: int) -> Path:
    """Write the program with about `resources` custom resources (rounded up to whole units) and return its dir."""
    units = max(1, -(-resources // UNIT_SIZE))
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Pulumi.yaml").write_text("name: synthetic\nruntime: python\n", encoding="utf-8")
    (directory / "Pulumi.bench.yaml").write_text(
        f"config:\n  aws:region: eu-west-2\n  synthetic:units: {units}\n", encoding="utf-8"
    )
    (directory / "__main__.py").write_text(PROGRAM, encoding="utf-8")
    return directory
