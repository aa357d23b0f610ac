"""The programs one family of policy tests shares (one compliant, one breaking every policy of it)."""

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
