"""aws-backup-vault-failures-paged: passing and violating programs, pattern matching and unknown values.

Each program declares vaults in two accounts (the deploying one and an audit account, through a provider that
assumes a role there) and in two regions; the rules that page on failed backups are what each case varies.
"""

from __future__ import annotations

import json

import pytest

from policies.stack.backup_failures_paged import POLICY, matches_backup_failures
from tests.policies.harness import evaluate
from tests.policies.programs import details, program_graph

SETUP = """
import json, pulumi, pulumi_aws as aws
def provider(name, region, role_arn=None):
    roles = [aws.ProviderAssumeRoleArgs(role_arn=role_arn, external_id="x", session_name="s")] if role_arn else None
    return pulumi.ResourceOptions(provider=aws.Provider(name, region=region, assume_roles=roles))
workload = provider("workload", "eu-west-2")
audit = provider("audit", "eu-west-2", "arn:aws:iam::444455556666:role/deployer")
audit_copy = provider("audit-copy", "eu-west-1", "arn:aws:iam::444455556666:role/deployer")
FAILURES = json.dumps({"source": ["aws.backup"],
    "detail-type": ["Backup Job State Change", "Copy Job State Change"],
    "detail": {"state": ["FAILED", "EXPIRED", "ABORTED"]}})
def paged(name, opts, pattern=FAILURES, bus=None, target=True):
    rule = aws.cloudwatch.EventRule(name, event_pattern=pattern, event_bus_name=bus, opts=opts)
    topic = aws.sns.Topic(f"{name}-topic", opts=opts)
    if target:
        aws.cloudwatch.EventTarget(f"{name}-page", rule=rule.name, arn=topic.arn, opts=opts)
aws.backup.Vault("workload-vault", opts=workload)
aws.backup.Vault("audit-vault", opts=audit)
aws.backup.Vault("audit-copy-vault", opts=audit_copy)
"""

COMPLIANT = (
    SETUP
    + """
paged("workload-backup-failed", workload)
paged("audit-backup-failed", audit)
paged("audit-copy-backup-failed", audit_copy)
"""
)
"""Every vault's account and region has its own rule delivering to a topic."""

BROKEN = (
    SETUP
    + """
# Only the workload account's rule: the audit account's failures reach no bus anything watches.
paged("workload-backup-failed", workload)
# In the audit account's copy region: only a rule on a custom bus, one without a target, one missing EXPIRED.
paged("custom-bus", audit_copy, bus="audit-events")
paged("no-target", audit_copy, target=False)
paged("failed-only", audit_copy, pattern=json.dumps({"source": ["aws.backup"], "detail": {"state": ["FAILED"]}}))
"""
)


def test_every_vault_paged_in_its_own_account_and_region_passes():
    assert evaluate(POLICY, program_graph(COMPLIANT)) == []


def test_vaults_whose_account_and_region_page_nobody_are_reported():
    silent = (
        "no EventBridge rule of that account and region delivers failed or expired AWS Backup jobs and copy jobs "
        "to an alert topic, so they page nobody; declare one there (source aws.backup, states FAILED and EXPIRED) "
        "targeting an SNS topic of the on-call."
    )
    assert details(evaluate(POLICY, program_graph(BROKEN))) == [
        ("audit-copy-vault", f"Backup vault 'audit-copy-vault' (account 444455556666, eu-west-1): {silent}"),
        ("audit-vault", f"Backup vault 'audit-vault' (account 444455556666, eu-west-2): {silent}"),
    ]


def test_a_rule_in_another_account_of_the_same_region_does_not_count():
    # The workload account's rule in eu-west-2 stands next to the audit vault in eu-west-2: still reported.
    program = SETUP + 'paged("workload-backup-failed", workload)\npaged("audit-copy-failed", audit_copy)\n'
    assert [name for name, _ in details(evaluate(POLICY, program_graph(program)))] == ["audit-vault"]


def test_a_vault_whose_account_is_unknown_is_reported():
    program = (
        SETUP
        + """
later = provider("later", "eu-west-2", aws.sqs.Queue("q").url.apply(lambda u: f"arn:aws:iam::444455556666:role/{u}"))
aws.backup.Vault("later-vault", opts=later)
paged("workload-backup-failed", workload)
paged("audit-backup-failed", audit)
paged("audit-copy-backup-failed", audit_copy)
paged("later-backup-failed", later)
"""
    )
    assert details(evaluate(POLICY, program_graph(program))) == [
        (
            "later-vault",
            "Backup vault 'later-vault': the account it lives in is not known during preview, so no rule can be "
            "shown to page on its failed jobs; name its provider's role ARN literally.",
        )
    ]


@pytest.mark.parametrize(
    ("pattern", "matches"),
    [
        ({"source": ["aws.backup"]}, True),
        ({"source": ["aws.backup"], "detail": {"state": ["EXPIRED", "FAILED"]}}, True),
        ({"source": ["aws.backup"], "detail-type": ["Backup Job State Change"]}, False),
        ({"source": ["aws.backup"], "detail": {"state": ["FAILED"]}}, False),
        ({"source": ["aws.s3"]}, False),
        ({"detail-type": ["Backup Job State Change", "Copy Job State Change"]}, False),
    ],
)
def test_pattern_matching(pattern, matches):
    assert matches_backup_failures(json.dumps(pattern)) is matches


def test_a_pattern_that_is_not_json_matches_nothing():
    assert matches_backup_failures("{not json") is False
    assert matches_backup_failures(None) is False
