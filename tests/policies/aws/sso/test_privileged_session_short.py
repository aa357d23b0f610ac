"""aws-ssoadmin-privileged-session-short: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/sso.py.
"""

from policies.aws.sso.privileged_session_short import POLICY as SESSION
from tests.policies.aws.sso.helpers import permission_set_with
from tests.policies.harness import UNKNOWN, evaluate
from tests.policies.programs import details, program_graph
from tests.policies.programs.sso import BROKEN, COMPLIANT

MANAGED = "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment"


def test_compliant_permission_sets_pass():
    assert evaluate(SESSION, program_graph(COMPLIANT)) == [], SESSION.name


def test_every_way_to_keep_privileged_sessions_long():
    assert details(evaluate(SESSION, program_graph(BROKEN))) == [
        (
            "odd",
            "Permission set 'odd' is privileged (odd-custom); its session_duration is not an ISO 8601 duration; "
            "set it to at most PT1H.",
        ),
        (
            "power",
            "Permission set 'power' is privileged (PowerUserAccess) with sessions of PT4H; set session_duration to "
            "at most PT1H.",
        ),
    ]


def test_a_stricter_config_shortens_the_limit():
    config = {"maxSessionMinutes": 30}
    found = details(evaluate(SESSION, program_graph(COMPLIANT), config=config))
    assert found == [
        (
            "admin",
            "Permission set 'admin' is privileged (AdministratorAccess) with sessions of PT1H (the default); set "
            "session_duration to at most PT30M.",
        ),
        (
            "oncall",
            "Permission set 'oncall' is privileged (oncall-inline) with sessions of PT45M; set session_duration to "
            "at most PT30M.",
        ),
    ]


def test_unknown_values_are_never_a_pass():
    unknown_session = permission_set_with(
        {"sessionDuration": UNKNOWN}, MANAGED, {"managedPolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}
    )
    assert [d.detail for d in evaluate(SESSION, unknown_session)] == [
        "Permission set 'ps' is privileged (AdministratorAccess); its session_duration is not known during preview; "
        "set it literally to at most PT1H."
    ]
    unknown_policy = permission_set_with({"sessionDuration": "PT4H"}, MANAGED, {"managedPolicyArn": UNKNOWN})
    assert [d.detail for d in evaluate(SESSION, unknown_policy)] == [
        "Permission set 'ps' is privileged (a managed policy not known during preview) with sessions of PT4H; set "
        "session_duration to at most PT1H."
    ]
