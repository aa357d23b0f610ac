"""aws-governance-no-secrets-in-tags: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/tags_secrets.py.
"""

from policies.aws.governance.no_secrets_in_tags import POLICY as TAG_SECRETS
from tests.policies.harness import evaluate
from tests.policies.programs import details as _details
from tests.policies.programs import program_graph
from tests.policies.programs.tags_secrets import BROKEN, COMPLIANT


def test_compliant_tags_and_secrets_pass():
    """Long hyphenated names in tags (Name tags with a region, an account id or an auto-name suffix) pass."""
    graph = program_graph(COMPLIANT)
    assert evaluate(TAG_SECRETS, graph) == [], TAG_SECRETS.name


def test_every_way_to_break_tags_and_secrets():
    graph = program_graph(BROKEN)
    fix = "tags are not secret, so remove it and keep the value in AWS Secrets Manager."
    assert _details(evaluate(TAG_SECRETS, graph)) == [
        ("leaky", f"AWS resource 'leaky': tag 'Name' holds a high-entropy string; {fix}"),
        ("leaky", f"AWS resource 'leaky': tag 'ci' holds a GitHub token; {fix}"),
        ("leaky", f"AWS resource 'leaky': tag 'deployer' holds a high-entropy string; {fix}"),
        ("leaky", f"AWS resource 'leaky': tag 'session' holds a JSON Web Token; {fix}"),
        (
            "odd",
            "AWS resource 'odd': tag 'api-token' holds a literal value for a secret-named key; tags are not "
            "secret, so remove it and keep the value in AWS Secrets Manager.",
        ),
    ]
