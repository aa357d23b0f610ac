"""aws-governance-destination-region-in-jurisdiction: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/residency.py.
"""

from policies.stack.destination_region_in_jurisdiction import POLICY as DESTINATION
from tests.policies.harness import UNKNOWN, evaluate, graph_of, resource
from tests.policies.programs import details as _details
from tests.policies.programs import program_graph
from tests.policies.programs.residency import BROKEN, COMPLIANT, UK_ALLOWED
from tests.policies.programs.residency import suffix as _suffix


def test_resources_and_destinations_in_the_jurisdiction_pass():
    graph = program_graph(COMPLIANT)
    assert evaluate(DESTINATION, graph) == []


def test_destinations_outside_the_jurisdiction():
    graph = program_graph(BROKEN)
    assert _details(evaluate(DESTINATION, graph)) == [
        (
            "api",
            f"Secrets Manager secret 'api' (UK data) replicates to eu-central-1 in eu-central-1, {UK_ALLOWED}",
        ),
        (
            "far",
            f"Aurora cluster 'far' (UK data) joins global database 'ledger' and is placed in us-east-1, {UK_ALLOWED}",
        ),
        (
            "invoices",
            f"DynamoDB table 'invoices' (UK data) has a replica in us-west-2 in us-west-2, {UK_ALLOWED}",
        ),
        (
            "invoices-us",
            f"DynamoDB table replica 'invoices-us' (UK data) is placed in us-east-1, {UK_ALLOWED}",
        ),
        (
            "ledger",
            "S3 replication configuration 'ledger' (UK data) replicates to bucket 'arn:aws:s3:::archive' whose "
            "region is not known; declare it in this stack or use an ARN in one of eu-west-2, eu-west-1.",
        ),
        (
            "ledger",
            "S3 replication configuration 'ledger' (UK data) replicates to bucket 'arn:aws:s3:::us-copy-"
            f"{_suffix(graph, 'us-copy')}' in us-east-1, {UK_ALLOWED}",
        ),
        (
            "primary",
            "Aurora cluster 'primary' (US data) joins global database 'ledger' and is placed in eu-west-2, outside "
            "US's allowed regions us-east-1, us-east-2, us-west-2; point it at the cell's paired region.",
        ),
        (
            "records",
            "Backup plan 'records' (UK data) copies to vault 'arn:aws:backup:us-east-1:123456789012:"
            f"backup-vault:far' in us-east-1, {UK_ALLOWED}",
        ),
    ]


def test_unknown_values_are_never_a_pass():
    table = resource(
        "aws:dynamodb/table:Table",
        {"tags": {"jurisdiction": "UK"}, "replicas": [{"regionName": UNKNOWN}]},
        name="t",
    )
    plan = resource("aws:backup/plan:Plan", {"tags": {"jurisdiction": "UK"}, "rules": UNKNOWN}, name="p")
    assert _details(evaluate(DESTINATION, graph_of(table, plan))) == [
        (
            "p",
            "Backup plan 'p' (UK data) copies to vault (rules not known) whose region is not known; declare it in "
            "this stack or use an ARN in one of eu-west-2, eu-west-1.",
        ),
        (
            "t",
            "DynamoDB table 't' (UK data) has a replica in (not known during preview) whose region is not known; "
            "declare it in this stack or use an ARN in one of eu-west-2, eu-west-1.",
        ),
    ]
