"""aws-backup-data-store-covered: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/backup.py.
"""

from dataclasses import replace

from policies.lib.backup import SELECTION
from policies.stack.backup_data_store_covered import POLICY as COVERED
from tests.policies.harness import UNKNOWN, evaluate, graph_of, resource
from tests.policies.programs import details as _details
from tests.policies.programs import program_graph
from tests.policies.programs.backup import ACCOUNTS, ACCOUNTS_CROSSED, BROKEN, COMPLIANT
from tests.stacks.mutations import Mutation, delete_resources
from trustfabric.gate import run_gate


def test_compliant_backup_and_retention_pass():
    graph = program_graph(COMPLIANT)
    assert evaluate(COVERED, graph) == [], COVERED.name


def test_every_way_to_break_backup_and_retention():
    graph = program_graph(BROKEN)
    fix = (
        "is not covered by AWS Backup; list its ARN in an aws.backup.Selection's resources or give it a tag that "
        "a selection's selection_tags select."
    )
    assert _details(evaluate(COVERED, graph)) == [
        ("aurora", f"RDS cluster 'aurora' {fix}"),
        (
            "cache",
            "ElastiCache replication group 'cache' keeps no automatic snapshots; set snapshot_retention_limit to "
            "at least 1.",
        ),
        ("db", f"RDS instance 'db' {fix}"),
        ("orphan", f"S3 bucket 'orphan' {fix}"),
        (
            "search",
            "OpenSearch domain 'search' has no automated snapshot schedule; set "
            "snapshot_options.automated_snapshot_start_hour.",
        ),
        ("sessions", f"DynamoDB table 'sessions' {fix}"),
    ]


def test_unknown_values_are_never_a_pass():
    bucket = resource("aws:s3/bucket:Bucket", {"tags": UNKNOWN}, name="b")
    selection = resource(
        "aws:backup/selection:Selection",
        {
            "planId": "p",
            "iamRoleArn": "r",
            "selectionTags": [{"type": "STRINGEQUALS", "key": "k", "value": "v"}],
        },
        name="s",
    )
    assert [d.detail for d in evaluate(COVERED, graph_of(bucket, selection))] == [
        "S3 bucket 'b': backup coverage cannot be proven during preview (a selection's resources or tags, the "
        "store's tags, or the account either lives in, are not known); reference the store from an "
        "aws.backup.Selection of its account."
    ]


def test_a_selection_covers_only_stores_of_its_own_account():
    graph = program_graph(ACCOUNTS)
    assert _details(evaluate(COVERED, graph)) == [
        (
            "stray",
            "S3 bucket 'stray' in account 444455556666 is selected only by backup selections of another account "
            "('workload-selection' (the deploying account)), and AWS Backup selects only resources of its own "
            "account; select it in a backup plan declared through a provider of the store's account.",
        ),
        (
            "unproven",
            "S3 bucket 'unproven': backup coverage cannot be proven during preview (a selection's resources or tags, "
            "the store's tags, or the account either lives in, are not known); reference the store from an "
            "aws.backup.Selection of its account.",
        ),
    ]


def test_selections_naming_only_the_other_accounts_stores_cover_neither():
    graph = program_graph(ACCOUNTS_CROSSED)
    assert _details(evaluate(COVERED, graph)) == [
        (
            "evidence",
            "S3 bucket 'evidence' in account 444455556666 is selected only by backup selections of another account "
            "('workload-selection' (the deploying account)), and AWS Backup selects only resources of its own "
            "account; select it in a backup plan declared through a provider of the store's account.",
        ),
        (
            "stray",
            "S3 bucket 'stray' in account 444455556666 is selected only by backup selections of another account "
            "('workload-selection' (the deploying account)), and AWS Backup selects only resources of its own "
            "account; select it in a backup plan declared through a provider of the store's account.",
        ),
        (
            "unproven",
            "S3 bucket 'unproven' is not covered by AWS Backup; list its ARN in an aws.backup.Selection's resources "
            "or give it a tag that a selection's selection_tags select.",
        ),
        (
            "workload",
            "S3 bucket 'workload' in the deploying account is selected only by backup selections of another account "
            "('audit-selection' (account 444455556666)), and AWS Backup selects only resources of its own account; "
            "select it in a backup plan declared through a provider of the store's account.",
        ),
    ]


# ------------------------------------------------------------------------------------------------------------
# Reach on prod: the evidence store lives in the audit account, and only that account's selection covers it.

EVIDENCE_BUCKETS = ("uk-evidence-bucket", "uk-evidence-access-logs")
AUDIT_SELECTION = Mutation(
    policy=COVERED.name,
    stack="prod",
    type=SELECTION,
    name="uk-evidence-backup-records-untagged-selection",
    change="drop the audit account's selection of the evidence store",
    expect="is not covered by AWS Backup",
    edit=None,
)


def _covered_findings(repo_root, graph):
    result = run_gate(repo_root, "prod", graph=graph, policies=[COVERED])
    return {f.resource.name: f.message for f in result.findings if f.policy == COVERED.name}


def _names_in_workload_selection(graph, bucket_names):
    """`graph` with the prod UK cell's untagged workload selection also listing the named buckets' ARNs."""
    arns = [f"arn:aws:s3:::{r.inputs['bucket']}" for r in graph.resources.values() if r.name in bucket_names]
    resources = dict(graph.resources)
    [urn] = [u for u, r in resources.items() if r.name == "uk-backup-records-untagged-selection"]
    selection = resources[urn]
    resources[urn] = replace(
        selection, inputs={**selection.inputs, "resources": [*selection.inputs["resources"], *arns]}
    )
    return replace(graph, resources=resources)


def test_prod_covers_the_evidence_store_in_the_audit_account(repo_root, stack_graph):
    assert _covered_findings(repo_root, stack_graph("prod")) == {}


def test_prod_without_the_audit_accounts_selection_leaves_the_evidence_store_uncovered(repo_root, stack_graph):
    graph = delete_resources(stack_graph("prod"), [AUDIT_SELECTION])
    found = _covered_findings(repo_root, graph)
    assert sorted(found) == sorted(EVIDENCE_BUCKETS)
    assert all(AUDIT_SELECTION.expect in message for message in found.values()), found


def test_a_workload_selection_naming_the_evidence_store_is_no_cover(repo_root, stack_graph):
    """The blind spot this policy had: the workload account's selection listed the store's ARNs, and AWS Backup
    would have backed nothing up."""
    graph = _names_in_workload_selection(delete_resources(stack_graph("prod"), [AUDIT_SELECTION]), EVIDENCE_BUCKETS)
    found = _covered_findings(repo_root, graph)
    assert sorted(found) == sorted(EVIDENCE_BUCKETS)
    assert found["uk-evidence-bucket"].startswith(
        "S3 bucket 'uk-evidence-bucket' in account 444455556666 is selected only by backup selections of another "
        "account ('uk-backup-records-untagged-selection' (the deploying account))"
    )
