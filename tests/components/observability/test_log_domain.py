"""Log domain: encrypted, HTTPS-only OpenSearch inside the cell's VPC, reachable on 443 from the VPC only, as
declared in the real stacks."""

from __future__ import annotations

import pytest

from components.observability.log_domain import LogDomainArgs, retention_policies, validate_args
from trustfabric.graph import Resource, ResourceGraph

DOMAIN = "aws:opensearch/domain:Domain"
SG = "aws:ec2/securityGroup:SecurityGroup"


@pytest.fixture(scope="module")
def dev(stack_graph) -> ResourceGraph:
    return stack_graph("dev")


@pytest.fixture(scope="module")
def dr(stack_graph) -> ResourceGraph:
    return stack_graph("dr")


def of_type(graph: ResourceGraph, type_: str) -> list[Resource]:
    return [r for r in graph if r.type == type_]


def only(graph: ResourceGraph, type_: str, name: str) -> Resource:
    found = [r for r in of_type(graph, type_) if r.name == name]
    assert len(found) == 1, f"{type_} {name}: {sorted(r.name for r in of_type(graph, type_))}"
    return found[0]


def names(graph: ResourceGraph, urns: list[str]) -> list[str]:
    return sorted(graph.resources[urn].name for urn in urns)


def test_log_domain_is_encrypted_with_the_logs_key_and_https_only(dev):
    [domain] = of_type(dev, DOMAIN)
    props = domain.props
    [logs_key] = [r for r in of_type(dev, "aws:kms/key:Key") if r.name.endswith("-logs")]
    assert props["encryptAtRest"]["enabled"] is True
    assert domain.property_dependencies["encryptAtRest"] == [logs_key.urn]
    assert props["nodeToNodeEncryption"] == {"enabled": True}
    assert props["domainEndpointOptions"] == {
        "enforceHttps": True,
        "tlsSecurityPolicy": "Policy-Min-TLS-1-2-PFS-2023-10",
    }
    assert props["advancedSecurityOptions"]["internalUserDatabaseEnabled"] is False
    assert domain.region == "eu-west-2"


def test_log_domain_log_groups_are_encrypted_and_kept_a_year(dev):
    groups = [r for r in of_type(dev, "aws:cloudwatch/logGroup:LogGroup") if "/opensearch/" in r.props["name"]]
    assert len(groups) == 4
    for group in groups:
        assert group.props["retentionInDays"] >= 365
        assert group.props["kmsKeyId"].startswith("arn:aws:kms:eu-west-2:")


@pytest.mark.parametrize(("stack", "cell", "cidr"), [("dev", "uk", "10.64.0.0/16"), ("dr", "eu", "10.65.0.0/16")])
def test_log_domain_sits_in_the_cell_vpc_behind_its_own_security_group(stack, cell, cidr, request):
    graph = request.getfixturevalue(stack)
    domain = only(graph, DOMAIN, f"{cell}-logs-domain")
    sg = only(graph, SG, f"{cell}-logs-sg")
    subnets = [only(graph, "aws:ec2/subnet:Subnet", f"{cell}-network-private-{i}") for i in range(3)]
    assert domain.props["vpcOptions"] == {
        "subnetIds": [subnet.id for subnet in subnets],
        "securityGroupIds": [sg.id],
    }
    assert names(graph, domain.property_dependencies["vpcOptions"]) == sorted([*(s.name for s in subnets), sg.name])
    assert domain.props["clusterConfig"]["zoneAwarenessConfig"] == {"availabilityZoneCount": 3}
    assert sg.parent == domain.parent
    assert names(graph, sg.property_dependencies["vpcId"]) == [f"{cell}-network-vpc"]
    assert sg.props["ingress"] == [
        {
            "description": "HTTPS from the cell VPC",
            "protocol": "tcp",
            "fromPort": 443,
            "toPort": 443,
            "cidrBlocks": [cidr],
        }
    ]
    assert "egress" not in sg.props or sg.props["egress"] == []


def test_no_log_domain_rule_admits_the_internet(dr):
    for sg in of_type(dr, SG):
        for rule in sg.props.get("ingress") or []:
            assert "0.0.0.0/0" not in (rule.get("cidrBlocks") or []), sg.name
            assert "::/0" not in (rule.get("ipv6CidrBlocks") or []), sg.name


def test_retention_policies_per_data_class():
    policies = retention_policies({"public": 30, "restricted": 400})
    assert list(policies) == ["public", "restricted"]
    restricted = policies["restricted"]["policy"]
    hot, delete = restricted["states"]
    assert hot["actions"] == [{"rollover": {"min_index_age": "1d"}}]
    assert hot["transitions"] == [{"state_name": "delete", "conditions": {"min_rollover_age": "400d"}}]
    assert delete == {"name": "delete", "actions": [{"delete": {}}], "transitions": []}
    assert restricted["ism_template"] == [{"index_patterns": ["logs-restricted-*"], "priority": 100}]


@pytest.mark.parametrize("data_class", ["internal", "confidential", "restricted"])
def test_the_collector_writes_to_the_alias_its_cells_retention_policy_manages(data_class):
    """The index the collector writes to, the template naming the rollover alias and the ISM policy's pattern
    must agree, or retention never applies."""
    from components.observability.log_domain import DEFAULT_RETENTION_DAYS, bootstrap_requests
    from components.observability.telemetry import TelemetryArgs, collector_pipeline

    args = TelemetryArgs(
        jurisdiction="UK",
        data_classification=data_class,
        owner="platform",
        opensearch_endpoint="https://logs.example",
        alertmanager_config="",
    )
    index = collector_pipeline(args, "https://logs.example")["exporters"]["opensearch"]["logs_index"]
    by_path = {r["path"]: r["body"] for r in bootstrap_requests(DEFAULT_RETENTION_DAYS, ["arn:aws:iam::1:role/w"])}
    assert by_path[f"/{index}-000001"] == {"aliases": {index: {"is_write_index": True}}}
    template = by_path[f"/_index_template/{index}"]
    assert template["template"]["settings"]["plugins.index_state_management.rollover_alias"] == index
    policy = by_path[f"/_plugins/_ism/policies/logs-{data_class}"]["policy"]
    assert policy["ism_template"][0]["index_patterns"] == template["index_patterns"] == [f"{index}-*"]


def test_bootstrap_requests_map_the_writer_and_manage_every_class():
    from components.observability.log_domain import bootstrap_requests

    writer = "arn:aws:iam::123456789012:role/trustfabric-prod-uk-eu-west-2-log-writer"
    requests = bootstrap_requests({"internal": 90, "restricted": 400}, [writer])
    by_path = {request["path"]: request for request in requests}
    assert [r["method"] for r in requests] == ["PUT"] * len(requests)
    assert by_path["/_plugins/_security/api/rolesmapping/log-writer"]["body"] == {"backend_roles": [writer]}
    role = by_path["/_plugins/_security/api/roles/log-writer"]["body"]
    assert role["index_permissions"] == [
        {"index_patterns": ["logs-*"], "allowed_actions": ["indices:data/write/*", "indices:admin/mapping/put"]}
    ]
    assert not any("read" in action or "delete" in action for action in role["cluster_permissions"])
    for data_class, days in (("internal", 90), ("restricted", 400)):
        policy = by_path[f"/_plugins/_ism/policies/logs-{data_class}"]["body"]["policy"]
        assert policy["ism_template"][0]["index_patterns"] == [f"logs-{data_class}-*"]
        assert policy["states"][0]["transitions"][0]["conditions"] == {"min_rollover_age": f"{days}d"}
        template = by_path[f"/_index_template/logs-{data_class}"]["body"]
        assert template["index_patterns"] == [f"logs-{data_class}-*"]
        assert template["template"]["settings"] == {
            "plugins.index_state_management.rollover_alias": f"logs-{data_class}"
        }
        first = by_path[f"/logs-{data_class}-000001"]["body"]
        assert first == {"aliases": {f"logs-{data_class}": {"is_write_index": True}}}
    # the security role and its mapping come before any index is created
    paths = [r["path"] for r in requests]
    assert paths.index("/_plugins/_security/api/rolesmapping/log-writer") < paths.index("/logs-internal-000001")


def test_the_deploy_role_is_each_domains_master_user(stack_graph):
    graph = stack_graph("prod")
    for cell in ("uk", "eu", "us", "ca"):
        domain = only(graph, DOMAIN, f"{cell}-logs-domain")
        options = domain.props["advancedSecurityOptions"]
        assert options["enabled"] is True and options["internalUserDatabaseEnabled"] is False
        deploy = only(graph, "aws:iam/role:Role", f"{cell}-iam-deploy")
        assert domain.property_dependencies["advancedSecurityOptions"] == [deploy.urn]
        assert options["masterUserOptions"]["masterUserArn"].endswith(f":role/{deploy.props['name']}")


ARGS = {
    "jurisdiction": "UK",
    "region": "eu-west-2",
    "kms_key_arn": "arn",
    "vpc_id": "vpc-1",
    "subnet_ids": ["subnet-a", "subnet-b", "subnet-c"],
    "vpc_cidr": "10.64.0.0/16",
}


def test_the_defaults_are_valid():
    validate_args(LogDomainArgs(**ARGS))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"region": "us-east-1"},
            "LogDomain: region: region 'us-east-1' is outside UK's allowed regions; allowed: eu-west-2, eu-west-1",
        ),
        ({"instance_count": 2}, "LogDomain: instance_count: 2 is out of range; allowed: 3..30"),
        ({"log_retention_days": 90}, "LogDomain: log_retention_days: 90 is out of range; allowed: 365..3653"),
        (
            {"retention_days": {"secret": 10}},
            "LogDomain: retention_days: unknown data class 'secret'; allowed: public, internal, confidential, restricted",
        ),
        (
            {"subnet_ids": ["subnet-a", "subnet-b"]},
            "LogDomain: subnet_ids: 2 given; allowed: exactly 3 private subnets, one per zone the domain spans",
        ),
        ({"vpc_cidr": "0.0.0.0/0"}, "LogDomain: vpc_cidr: '0.0.0.0/0' is not allowed; allowed: an IPv4 /16../24"),
    ],
)
def test_log_domain_validation(changes, message):
    with pytest.raises(ValueError) as error:
        validate_args(LogDomainArgs(**{**ARGS, **changes}))
    assert str(error.value) == message


def test_each_cell_exports_what_the_bootstrap_runbook_reads(stack_graph, repo_root):
    runbook = (repo_root / "runbooks" / "log-domain-bootstrap.md").read_text()
    for key in ("endpoint", "region", "bootstrap_requests"):
        assert f".{key}" in runbook
    graph = stack_graph("prod")
    for cell in ("uk", "eu", "us", "ca"):
        exported = graph.outputs[f"{cell}_log_domain"]
        role = only(graph, "aws:iam/role:Role", f"{cell}-collector-role")
        assert exported["region"] == role.region
        mapping = next(r for r in exported["bootstrap_requests"] if r["path"].endswith("rolesmapping/log-writer"))
        assert mapping["body"] == {"backend_roles": [f"arn:aws:iam::123456789012:role/{role.props['name']}"]}
        assert {r["path"] for r in exported["bootstrap_requests"]} >= {"/logs-restricted-000001"}
