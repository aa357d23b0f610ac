"""aws-ec2-security-group-no-public-admin-ingress: no security group opens admin or database ports to the world.

Judged: `aws.ec2.SecurityGroup` inline `ingress` blocks, `aws.ec2.SecurityGroupRule` of type ingress and
`aws.vpc.SecurityGroupIngressRule`. A rule from 0.0.0.0/0 or ::/0 whose port range (or protocol -1, all traffic)
covers SSH 22, RDP 3389 or a database port (1433, 1521, 3306, 5432, 5439, 6379, 9200, 27017) is a violation. A
rule whose source or ports are not known during preview is reported as unproven.
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.props import as_list, unknown_itself

META = PolicyMeta(
    id="TF-AWS-EC2-001",
    name="aws-ec2-security-group-no-public-admin-ingress",
    description="No security group rule admits 0.0.0.0/0 or ::/0 to remote administration or database ports.",
    severity="critical",
    topics=("network", "exposure"),
    controls={
        "SOC2": ("CC6.1", "CC6.6"),
        "ISO27001:2022": ("A.8.20", "A.8.22"),
        "GDPR": ("Art.32",),
        "CIS-AWS-3.0": ("5.2", "5.3"),
    },
    remediation="Admit only the VPC, a bastion security group or a VPN prefix list; use SSM Session Manager for shells.",
)

SENSITIVE_PORTS = {
    22: "SSH",
    3389: "RDP",
    1433: "SQL Server",
    1521: "Oracle",
    3306: "MySQL",
    5432: "PostgreSQL",
    5439: "Redshift",
    6379: "Redis",
    9200: "Elasticsearch/OpenSearch",
    27017: "MongoDB",
}
WORLD = ("0.0.0.0/0", "::/0")
ALL_PROTOCOLS = ("-1", "all")
TCP = ("tcp", "6")

SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"


def exposed_ports(protocol: Any, from_port: Any, to_port: Any) -> list[int]:
    """The sensitive ports a rule's protocol and port range cover."""
    protocol = str(protocol).lower()
    if protocol in ALL_PROTOCOLS:
        return sorted(SENSITIVE_PORTS)
    if protocol not in TCP:
        return []
    low = int(from_port) if isinstance(from_port, (int, float)) else 0
    high = int(to_port) if isinstance(to_port, (int, float)) else 65535
    if low == -1 or (low == 0 and high in (0, -1)):
        return sorted(SENSITIVE_PORTS)  # AWS reads 0/-1 ranges as every port
    return [port for port in sorted(SENSITIVE_PORTS) if low <= port <= high]


def _describe(ports: list[int]) -> str:
    return ", ".join(f"{port} ({SENSITIVE_PORTS[port]})" for port in ports)


def _judge(
    name: str, where: str, rule: Any, keys: tuple[str, str, str], sources: list[str], report: ReportViolation
) -> None:
    protocol_key, from_key, to_key = keys
    if any(unknown_itself(rule, key) or is_unknown(rule, key) for key in (*keys, *sources)):
        report(
            f"Security group '{name}': {where} has a source, protocol or port not known during preview; set them "
            "literally so public admin ingress can be ruled out."
        )
        return
    world = [str(cidr) for source in sources for cidr in as_list(get(rule, source)) if str(cidr) in WORLD]
    if not world:
        return
    ports = exposed_ports(get(rule, protocol_key, default="tcp"), get(rule, from_key), get(rule, to_key))
    if ports:
        report(
            f"Security group '{name}': {where} admits {' and '.join(world)} to {_describe(ports)}; restrict the "
            "source to the VPC, a bastion security group or a VPN prefix list."
        )


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props = args.props
    if args.resource_type == SECURITY_GROUP:
        if unknown_itself(props, "ingress"):
            report_violation(
                f"Security group '{args.name}': ingress is not known during preview; declare its rules literally."
            )
            return
        ingress = get(props, "ingress", default=[])
        for index in range(len(ingress)):
            _judge(
                args.name,
                f"ingress[{index}]",
                ingress[index],
                ("protocol", "fromPort", "toPort"),
                ["cidrBlocks", "ipv6CidrBlocks"],
                report_violation,
            )
    elif args.resource_type == SECURITY_GROUP_RULE:
        if is_unknown(props, "type") or get(props, "type") != "ingress":
            return  # egress rules are out of scope; the type is a required literal in practice
        _judge(
            args.name,
            "the ingress rule",
            props,
            ("protocol", "fromPort", "toPort"),
            ["cidrBlocks", "ipv6CidrBlocks"],
            report_violation,
        )
    else:
        _judge(
            args.name,
            "the ingress rule",
            props,
            ("ipProtocol", "fromPort", "toPort"),
            ["cidrIpv4", "cidrIpv6"],
            report_violation,
        )


POLICY = resource_policy(META, validate, resource_types=(SECURITY_GROUP, SECURITY_GROUP_RULE, INGRESS_RULE))
