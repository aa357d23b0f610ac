"""aws-governance-no-secrets-in-tags: no AWS resource carries a secret in a tag.

Tags are readable by anyone with tag or resource-listing permissions and are copied into billing data, so a tag
named like a secret (PASSWORD, SECRET, TOKEN, API_KEY, PRIVATE_KEY ...) with a literal value, or a value shaped
like an AWS access key id, a PEM private key, a GitHub token, a JWT or a long high-entropy token, is a violation.
The entropy test judges the token-like stretches between words (`policies.lib.secrets`), so a long resource
name in a `Name` tag (`trustfabric-prod-uk-ledger-writer-eu-west-2a`) passes while a secret key appended to it
does not. Unknown tag values are computed references, not literals: they pass.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, provider_default_tags, resource_policy
from policies.lib.props import unknown_itself
from policies.lib.secrets import secret_reason

META = PolicyMeta(
    id="TF-AWS-GOV-003",
    name="aws-governance-no-secrets-in-tags",
    description="No AWS resource or provider default tag holds a secret value.",
    severity="high",
    topics=("secrets", "governance"),
    controls={"SOC2": ("CC6.1",), "ISO27001:2022": ("A.5.17", "A.8.12"), "GDPR": ("Art.32",)},
    remediation="Remove the secret from the tag and keep it in AWS Secrets Manager, tagging only its name.",
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if not args.resource_type.startswith("aws:"):
        return
    tags: dict[str, object] = dict(provider_default_tags(args.provider))
    if not unknown_itself(args.props, "tags"):
        own = get(args.props, "tags", default={})
        for key in list(own.keys()) if hasattr(own, "keys") else []:
            if not unknown_itself(own, key):
                tags[str(key)] = own[key]
    for key in sorted(tags):
        reason = secret_reason(key, tags[key])
        if reason is not None:
            report_violation(
                f"AWS resource '{args.name}': tag '{key}' holds {reason}; tags are not secret, so remove it and "
                "keep the value in AWS Secrets Manager."
            )


POLICY = resource_policy(META, validate)
