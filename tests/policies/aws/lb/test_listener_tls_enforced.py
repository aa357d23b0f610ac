"""aws-lb-listener-tls-enforced: HTTPS/TLS with an allowed TLS 1.2+ policy, or HTTP redirecting to HTTPS."""

import pytest

from policies.aws.lb.listener_tls_enforced import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

HEADER = """
import pulumi_aws as aws
lb = aws.lb.LoadBalancer("front", load_balancer_type="application", subnets=["subnet-a", "subnet-b"])
nlb = aws.lb.LoadBalancer("back", load_balancer_type="network", subnets=["subnet-a", "subnet-b"])
group = aws.lb.TargetGroup("app", port=8443, protocol="HTTPS", vpc_id="vpc-1")
cert = "arn:aws:acm:eu-west-2:123456789012:certificate/abc"
forward = [{"type": "forward", "target_group_arn": group.arn}]
"""

COMPLIANT = (
    HEADER
    + """
aws.lb.Listener("https", load_balancer_arn=lb.arn, port=443, protocol="HTTPS", certificate_arn=cert,
                ssl_policy="ELBSecurityPolicy-TLS13-1-2-2021-06", default_actions=forward)
aws.alb.Listener("redirect", load_balancer_arn=lb.arn, port=80, protocol="HTTP", default_actions=[
    {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}}])
aws.lb.Listener("tls", load_balancer_arn=nlb.arn, port=443, protocol="TLS", certificate_arn=cert,
                ssl_policy="ELBSecurityPolicy-TLS13-1-3-2021-06", default_actions=forward)
"""
)

BROKEN = (
    HEADER
    + """
aws.lb.Listener("http", load_balancer_arn=lb.arn, port=80, protocol="HTTP", default_actions=forward)
aws.lb.Listener("default-protocol", load_balancer_arn=lb.arn, port=80, default_actions=forward)
aws.lb.Listener("redirect-to-http", load_balancer_arn=lb.arn, port=80, protocol="HTTP", default_actions=[
    {"type": "redirect", "redirect": {"port": "8080", "status_code": "HTTP_301"}}])
aws.lb.Listener("tcp", load_balancer_arn=nlb.arn, port=5432, protocol="TCP", default_actions=forward)
aws.lb.Listener("tls10", load_balancer_arn=lb.arn, port=443, protocol="HTTPS", certificate_arn=cert,
                ssl_policy="ELBSecurityPolicy-2016-08", default_actions=forward)
aws.lb.Listener("no-policy", load_balancer_arn=nlb.arn, port=443, protocol="TLS", certificate_arn=cert,
                default_actions=forward)
"""
)

HTTP = "serves plain HTTP; use protocol HTTPS with an allowed ssl_policy, or make its default action a redirect with protocol HTTPS."
ALLOWED = (
    "ELBSecurityPolicy-TLS13-1-2-2021-06, ELBSecurityPolicy-TLS13-1-2-Res-2021-06, ELBSecurityPolicy-TLS13-1-3-2021-06"
)
EXPECTED = {
    "http": f"Listener 'http' {HTTP}",
    "default-protocol": f"Listener 'default-protocol' {HTTP}",
    "redirect-to-http": f"Listener 'redirect-to-http' {HTTP}",
    "tcp": "Listener 'tcp' uses unencrypted protocol TCP; use protocol TLS with an allowed ssl_policy.",
    "tls10": f"Listener 'tls10' uses ssl_policy ELBSecurityPolicy-2016-08; set ssl_policy to one of {ALLOWED}.",
    "no-policy": "Listener 'no-policy' sets no ssl_policy (the default ELBSecurityPolicy-2016-08 allows TLS 1.0); "
    f"set ssl_policy to one of {ALLOWED}.",
}


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    return evaluate(POLICY, run_snippet(tmp_path_factory.mktemp("broken"), BROKEN))


def test_compliant_resources_pass(tmp_path):
    assert evaluate(POLICY, run_snippet(tmp_path, COMPLIANT)) == []


@pytest.mark.parametrize(("name", "detail"), EXPECTED.items(), ids=EXPECTED.keys())
def test_each_way_to_break_it_is_a_mandatory_violation(broken, name, detail):
    [diagnostic] = [d for d in broken if d.urn.endswith(f"::{name}")]
    assert diagnostic.detail == detail
    assert diagnostic.enforcement == "mandatory"


def test_nothing_else_is_reported(broken):
    assert sorted(d.urn.rsplit("::", 1)[1] for d in broken) == sorted(EXPECTED)


def test_config_chooses_among_tls12_policies_only():
    graph = resource(
        "aws:lb/listener:Listener",
        {"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-TLS-1-2-2017-01"},
        name="l",
    )
    assert len(evaluate(POLICY, graph)) == 1  # not in the default list
    assert evaluate(POLICY, graph, {"allowedSslPolicies": ["ELBSecurityPolicy-TLS-1-2-2017-01"]}) == []
    # A TLS 1.0 policy slipped into the config never counts as allowed.
    weak = resource(
        "aws:lb/listener:Listener", {"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-2016-08"}, name="l"
    )
    [diagnostic] = evaluate(POLICY, weak, {"allowedSslPolicies": ["ELBSecurityPolicy-2016-08"]})
    assert (
        diagnostic.detail
        == f"Listener 'l' uses ssl_policy ELBSecurityPolicy-2016-08; set ssl_policy to one of {ALLOWED}."
    )


def test_the_config_schema_rejects_policies_below_tls12():
    import jsonschema

    schema = {"type": "object", "properties": dict(POLICY.meta.config_schema)}
    jsonschema.validate({"allowedSslPolicies": ["ELBSecurityPolicy-TLS-1-2-2017-01"]}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"allowedSslPolicies": ["ELBSecurityPolicy-TLS-1-1-2017-01"]}, schema)


def test_unknown_values_are_never_a_pass():
    kind = "aws:lb/listener:Listener"
    [diagnostic] = evaluate(POLICY, resource(kind, {"protocol": UNKNOWN}, name="l"))
    assert diagnostic.detail == "Listener 'l': protocol is not known during preview; set it to HTTPS literally."
    [diagnostic] = evaluate(POLICY, resource(kind, {"protocol": "HTTPS", "sslPolicy": UNKNOWN}, name="l"))
    assert diagnostic.detail == (
        "Listener 'l': ssl_policy is not known during preview; set it to ELBSecurityPolicy-TLS13-1-2-2021-06 literally."
    )
    [diagnostic] = evaluate(POLICY, resource(kind, {"protocol": "HTTP", "defaultActions": UNKNOWN}, name="l"))
    assert diagnostic.detail == (
        "Listener 'l': default_actions are not known during preview; declare the redirect to HTTPS literally."
    )
