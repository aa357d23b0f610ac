"""aws-ecs-no-literal-secrets: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/tags_secrets.py.
"""

from policies.aws.ecs.no_literal_secrets import POLICY as ECS
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details as _details
from tests.policies.programs import program_graph
from tests.policies.programs.tags_secrets import BROKEN, COMPLIANT


def test_compliant_tags_and_secrets_pass():
    graph = program_graph(COMPLIANT)
    assert evaluate(ECS, graph) == [], ECS.name


def test_every_way_to_break_tags_and_secrets():
    graph = program_graph(BROKEN)
    ecs_fix = "move it to AWS Secrets Manager and reference it from the container's secrets list (valueFrom)."
    assert _details(evaluate(ECS, graph)) == [
        (
            "task",
            "ECS task definition 'task': container 'api' environment variable 'BLOB' holds a high-entropy string; "
            + ecs_fix,
        ),
        (
            "task",
            "ECS task definition 'task': container 'api' environment variable 'STRIPE_API_KEY' holds a literal "
            "value for a secret-named key; " + ecs_fix,
        ),
    ]


def test_unknown_values_are_never_a_pass():
    task = resource("aws:ecs/taskDefinition:TaskDefinition", {"family": "f", "containerDefinitions": UNKNOWN}, name="t")
    assert [d.detail for d in evaluate(ECS, task)] == [
        "ECS task definition 't': container_definitions is not known during preview; secrets in its environment "
        "cannot be ruled out."
    ]
