"""aws-s3-bucket-no-public-acl: no S3 bucket ACL grants access to everyone or to every AWS account.

Canned ACLs `public-read`, `public-read-write` and `authenticated-read` on an `aws.s3.BucketAcl` are violations;
an ACL not known during preview is reported as unproven.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy

META = PolicyMeta(
    id="TF-AWS-S3-PUB-003",
    name="aws-s3-bucket-no-public-acl",
    description="No S3 bucket ACL uses a public or all-authenticated-users canned ACL.",
    severity="critical",
    topics=("exposure", "data-protection"),
    controls={
        "SOC2": ("CC6.1", "CC6.6"),
        "ISO27001:2022": ("A.8.3", "A.5.15"),
        "GDPR": ("Art.32",),
    },
    remediation="Use the private canned ACL (or disable ACLs with object ownership BucketOwnerEnforced).",
)

PUBLIC_ACLS = ("public-read", "public-read-write", "authenticated-read")
BUCKET_ACL = "aws:s3/bucketAcl:BucketAcl"


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if is_unknown(args.props, "acl"):
        report_violation(
            f"S3 bucket ACL '{args.name}': acl is not known during preview; set it literally to 'private'."
        )
        return
    acl = get(args.props, "acl")
    if acl in PUBLIC_ACLS:
        report_violation(
            f"S3 bucket ACL '{args.name}' grants '{acl}'; use acl='private' or disable ACLs with object "
            "ownership BucketOwnerEnforced."
        )


POLICY = resource_policy(META, validate, resource_types=(BUCKET_ACL,))
