"""aws-ec2-security-group-no-public-admin-ingress: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/network.py.
"""

from policies.aws.ec2.security_group_no_public_admin_ingress import POLICY as INGRESS
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details as _details
from tests.policies.programs import program_graph
from tests.policies.programs.network import BROKEN, COMPLIANT


def test_compliant_exposure_passes():
    graph = program_graph(COMPLIANT)
    assert evaluate(INGRESS, graph) == [], INGRESS.name


def test_every_way_to_expose():
    graph = program_graph(BROKEN)
    fix = "restrict the source to the VPC, a bastion security group or a VPN prefix list."
    every = (
        "22 (SSH), 1433 (SQL Server), 1521 (Oracle), 3306 (MySQL), 3389 (RDP), 5432 (PostgreSQL), 5439 (Redshift), "
        "6379 (Redis), 9200 (Elasticsearch/OpenSearch), 27017 (MongoDB)"
    )
    assert _details(evaluate(INGRESS, graph)) == [
        ("admin", f"Security group 'admin': ingress[0] admits 0.0.0.0/0 to 22 (SSH); {fix}"),
        (
            "admin",
            "Security group 'admin': ingress[1] admits ::/0 to 3306 (MySQL), 3389 (RDP), 5432 (PostgreSQL), "
            f"5439 (Redshift); {fix}",
        ),
        ("all", f"Security group 'all': the ingress rule admits 0.0.0.0/0 to {every}; {fix}"),
        ("rdp", f"Security group 'rdp': the ingress rule admits 0.0.0.0/0 to 3389 (RDP); {fix}"),
    ]


def test_unknown_exposure_values_are_never_a_pass():
    rule = resource(
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        {"cidrIpv4": UNKNOWN, "fromPort": 22.0, "toPort": 22.0, "ipProtocol": "tcp", "securityGroupId": "sg"},
        name="r",
    )
    assert [d.detail for d in evaluate(INGRESS, rule)] == [
        "Security group 'r': the ingress rule has a source, protocol or port not known during preview; set them "
        "literally so public admin ingress can be ruled out."
    ]
    group = resource("aws:ec2/securityGroup:SecurityGroup", {"ingress": UNKNOWN}, name="g")
    assert [d.detail for d in evaluate(INGRESS, group)] == [
        "Security group 'g': ingress is not known during preview; declare its rules literally."
    ]
