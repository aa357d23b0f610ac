"""Network and exposure: public admin ingress, S3 public access blocks and ACLs, public RDS instances."""

from policies.aws.ec2.security_group_no_public_admin_ingress import POLICY as INGRESS
from policies.aws.rds.instance_not_public import POLICY as RDS_PUBLIC
from policies.aws.s3.bucket_no_public_acl import POLICY as ACL
from policies.aws.s3.public_access_block_all_enabled import POLICY as BLOCK_FLAGS
from policies.stack.s3_bucket_public_access_block import POLICY as BUCKET_BLOCK
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

COMPLIANT = """
import pulumi_aws as aws
aws.ec2.SecurityGroup("web", ingress=[
    {"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]},
    {"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["10.0.0.0/8"]},
    {"from_port": 0, "to_port": 0, "protocol": "-1", "security_groups": ["sg-123"]}])
aws.ec2.SecurityGroupRule("https", type="ingress", security_group_id="sg-1", from_port=443, to_port=443,
    protocol="tcp", cidr_blocks=["0.0.0.0/0"])
aws.ec2.SecurityGroupRule("egress", type="egress", security_group_id="sg-1", from_port=0, to_port=0,
    protocol="-1", cidr_blocks=["0.0.0.0/0"])
aws.vpc.SecurityGroupIngressRule("dns", security_group_id="sg-1", cidr_ipv4="0.0.0.0/0", from_port=53,
    to_port=53, ip_protocol="udp")
bucket = aws.s3.Bucket("ledger")
aws.s3.BucketPublicAccessBlock("ledger", bucket=bucket.id, block_public_acls=True, block_public_policy=True,
    ignore_public_acls=True, restrict_public_buckets=True)
aws.s3.Bucket("named", bucket="named-uk")
aws.s3.BucketPublicAccessBlock("named", bucket="named-uk", block_public_acls=True, block_public_policy=True,
    ignore_public_acls=True, restrict_public_buckets=True)
aws.s3.BucketAcl("ledger", bucket=bucket.id, acl="private")
aws.rds.Instance("db", instance_class="db.t3.micro", publicly_accessible=False)
aws.rds.ClusterInstance("aurora", cluster_identifier="c", instance_class="db.r6g.large", engine="aurora-postgresql")
"""

BROKEN = """
import pulumi_aws as aws
aws.ec2.SecurityGroup("admin", ingress=[
    {"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]},
    {"from_port": 3000, "to_port": 6000, "protocol": "tcp", "ipv6_cidr_blocks": ["::/0"]}])
aws.ec2.SecurityGroupRule("all", type="ingress", security_group_id="sg-1", from_port=0, to_port=0,
    protocol="-1", cidr_blocks=["10.0.0.0/8", "0.0.0.0/0"])
aws.vpc.SecurityGroupIngressRule("rdp", security_group_id="sg-1", cidr_ipv4="0.0.0.0/0", from_port=3389,
    to_port=3389, ip_protocol="tcp")
aws.s3.Bucket("bare")
weak = aws.s3.Bucket("weak")
aws.s3.BucketPublicAccessBlock("weak", bucket=weak.id, block_public_acls=True, block_public_policy=False,
    ignore_public_acls=True)
aws.s3.BucketAcl("site", bucket=weak.id, acl="public-read")
aws.rds.Instance("db", instance_class="db.t3.micro", publicly_accessible=True)
aws.rds.ClusterInstance("aurora", cluster_identifier="c", instance_class="db.r6g.large", engine="aurora-mysql",
    publicly_accessible=True)
"""


def _details(diagnostics):
    return sorted((d.urn.rsplit("::", 1)[1], d.detail) for d in diagnostics)


def test_compliant_exposure_passes(tmp_path):
    graph = run_snippet(tmp_path, COMPLIANT)
    for policy in (INGRESS, BUCKET_BLOCK, BLOCK_FLAGS, ACL, RDS_PUBLIC):
        assert evaluate(policy, graph) == [], policy.name


def test_every_way_to_expose(tmp_path):
    graph = run_snippet(tmp_path, BROKEN)
    fix = "restrict the source to the VPC, a bastion security group or a VPN prefix list."
    every = (
        "22 (SSH), 1433 (SQL Server), 1521 (Oracle), 3306 (MySQL), 3389 (RDP), 5432 (PostgreSQL), 5439 (Redshift), "
        "6379 (Redis), 9200 (Elasticsearch/OpenSearch), 27017 (MongoDB)"
    )
    assert _details(evaluate(INGRESS, graph)) == [
        ("admin", f"Security group 'admin': ingress[0] admits 0.0.0.0/0 to 22 (SSH); {fix}"),
        (
            "admin",
            "Security group 'admin': ingress[1] admits ::/0 to 3306 (MySQL), 3389 (RDP), 5432 (PostgreSQL), "
            f"5439 (Redshift); {fix}",
        ),
        ("all", f"Security group 'all': the ingress rule admits 0.0.0.0/0 to {every}; {fix}"),
        ("rdp", f"Security group 'rdp': the ingress rule admits 0.0.0.0/0 to 3389 (RDP); {fix}"),
    ]
    assert _details(evaluate(BUCKET_BLOCK, graph)) == [
        (
            "bare",
            "S3 bucket 'bare' has no public access block; declare an aws.s3.BucketPublicAccessBlock with "
            "bucket=<bucket>.id and all four flags set to True.",
        ),
        (
            "weak",
            "S3 bucket 'weak': its public access block 'weak' does not enable all four flags; set "
            "block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets to True.",
        ),
    ]
    assert _details(evaluate(BLOCK_FLAGS, graph)) == [
        (
            "weak",
            "S3 public access block 'weak' leaves block_public_policy, restrict_public_buckets off; set all four "
            "flags to True.",
        )
    ]
    assert _details(evaluate(ACL, graph)) == [
        (
            "site",
            "S3 bucket ACL 'site' grants 'public-read'; use acl='private' or disable ACLs with object ownership "
            "BucketOwnerEnforced.",
        )
    ]
    assert _details(evaluate(RDS_PUBLIC, graph)) == [
        (
            "aurora",
            "Aurora instance 'aurora' is publicly accessible; set publicly_accessible=False and reach it through "
            "private subnets.",
        ),
        (
            "db",
            "RDS instance 'db' is publicly accessible; set publicly_accessible=False and reach it through private "
            "subnets.",
        ),
    ]


def test_unknown_exposure_values_are_never_a_pass():
    rule = resource(
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        {"cidrIpv4": UNKNOWN, "fromPort": 22.0, "toPort": 22.0, "ipProtocol": "tcp", "securityGroupId": "sg"},
        name="r",
    )
    assert [d.detail for d in evaluate(INGRESS, rule)] == [
        "Security group 'r': the ingress rule has a source, protocol or port not known during preview; set them "
        "literally so public admin ingress can be ruled out."
    ]
    group = resource("aws:ec2/securityGroup:SecurityGroup", {"ingress": UNKNOWN}, name="g")
    assert [d.detail for d in evaluate(INGRESS, group)] == [
        "Security group 'g': ingress is not known during preview; declare its rules literally."
    ]
    block = resource(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        {
            "bucket": "b",
            "blockPublicAcls": True,
            "blockPublicPolicy": UNKNOWN,
            "ignorePublicAcls": True,
            "restrictPublicBuckets": True,
        },
        name="b",
    )
    assert [d.detail for d in evaluate(BLOCK_FLAGS, block)] == [
        "S3 public access block 'b': block_public_policy not known during preview; set them to True literally."
    ]
    acl = resource("aws:s3/bucketAcl:BucketAcl", {"bucket": "b", "acl": UNKNOWN}, name="a")
    assert [d.detail for d in evaluate(ACL, acl)] == [
        "S3 bucket ACL 'a': acl is not known during preview; set it literally to 'private'."
    ]
    db = resource("aws:rds/instance:Instance", {"publiclyAccessible": UNKNOWN}, name="db")
    assert [d.detail for d in evaluate(RDS_PUBLIC, db)] == [
        "RDS instance 'db': publicly_accessible is not known during preview; set it to False literally."
    ]
