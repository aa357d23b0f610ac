"""Programs of the evidence-store account tests: a store through an audit-account provider, and the ways to
break it (no role assumed, a role in the workload account, a role ARN not known during preview).

Each program declares a workload key and a topic it encrypts through the default provider (the mocks' account,
123456789012: the topic's `kms_master_key_id` names it) and a store
component of type `trustfabric:security:EvidenceStore` with a locked bucket and a key, through `STORE_PROVIDER`.
"""

TEMPLATE = """
import pulumi
import pulumi_aws as aws

class EvidenceStore(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("trustfabric:security:EvidenceStore", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        aws.kms.Key(f"{name}-store-key", opts=child)
        aws.s3.Bucket(f"{name}-bucket", object_lock_enabled=True, opts=child)
        aws.s3.Bucket(f"{name}-access-logs", opts=child)
        self.register_outputs({})

workload_key = aws.kms.Key("workload-key")
aws.sns.Topic("alerts", kms_master_key_id=workload_key.arn)
STORE_PROVIDER
EvidenceStore("evidence", opts=pulumi.ResourceOptions(provider=store_provider))
"""


def _with_role(role_arn: str) -> str:
    provider = (
        f'store_provider = aws.Provider("audit-account", region="eu-west-2", assume_roles=[aws.ProviderAssumeRoleArgs('
        f'role_arn={role_arn}, external_id="tf-evidence", session_name="evidence")])'
    )
    return TEMPLATE.replace("STORE_PROVIDER", provider)


COMPLIANT = _with_role('"arn:aws:iam::444455556666:role/evidence-store-deployer"')
"""The store through a provider that assumes a role in the audit account."""

IN_WORKLOAD_ACCOUNT = _with_role('"arn:aws:iam::123456789012:role/evidence-store-deployer"')
"""The store's provider assumes a role in the account the workload key lives in."""

NO_ROLE = TEMPLATE.replace("STORE_PROVIDER", 'store_provider = aws.Provider("cell", region="eu-west-2")')
"""The store through a plain provider of the deploying account."""

UNKNOWN_ROLE = _with_role(
    # A queue's URL is computed by AWS: the mocks leave it unknown, and so the role ARN built from it.
    'aws.sqs.Queue("q").url.apply(lambda url: f"arn:aws:iam::444455556666:role/{url}")'
)
"""The store's provider assumes a role whose ARN is computed (not known during preview)."""

NO_STORE = 'import pulumi_aws as aws\naws.kms.Key("workload-key")\n'
