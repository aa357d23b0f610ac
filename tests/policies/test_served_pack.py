"""The pack as the Pulumi CLI runs it: `policies/` copied alone, served from its own virtualenv, driven over gRPC.

The copy lives in a directory of another name (a published pack is extracted into a versioned directory) and
its virtualenv holds only the pack's requirements, so these tests also prove the pack is self-contained. The
requests are the CLI's: `GetAnalyzerInfo`, `Configure` with every policy's schema defaults, `Analyze` for each
resource and `AnalyzeStack`, built from the engine's graph of a small program; the diagnostics must equal what
`trustfabric check --format json` reports on the same program with the same exemptions file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from google.protobuf import empty_pb2, json_format
from pulumi.runtime.proto import analyzer_pb2

from policies.registry import PACK_NAME, all_policies
from tests.policies.served import (
    RPC_TIMEOUT,
    copy_pack,
    pack_environment,
    pack_virtualenv,
    served_pack,
    start_pack,
)
from tests.trustfabric.helpers import LIVE_UNTIL
from trustfabric.engine import run_program
from trustfabric.gate.requests import PreparedGraph, stack_request
from trustfabric.graph import ResourceGraph

PROJECT, STACK = "fixture", "test"
STACK_CONFIG = {"aws:region": "eu-west-2"}
PROGRAM = """
import pulumi
import pulumi_aws as aws

uk = aws.Provider("uk", region="eu-west-2", default_tags={"tags": {
    "jurisdiction": "UK", "data-classification": "internal", "owner": "platform"}})
opts = pulumi.ResourceOptions(provider=uk)
aws.kms.Key("rotated", enable_key_rotation=True, opts=opts)
aws.kms.Key("static", enable_key_rotation=False, opts=opts)
aws.kms.Key("legacy-import", enable_key_rotation=False, opts=opts)
aws.kms.Key("overdue", enable_key_rotation=False, opts=opts)
aws.cloudwatch.LogGroup("app", retention_in_days=30, opts=opts)
aws.s3.Bucket("records", opts=opts)
"""
BUCKET_URN = f"urn:pulumi:{STACK}::{PROJECT}::aws:s3/bucket:Bucket::records"
EXEMPTIONS = f"""exemptions:
  - policy: aws-kms-key-rotation-enabled
    resource: legacy-import
    reason: Imported key material cannot rotate; replaced next quarter.
    approver: security@example.com
    expires: {LIVE_UNTIL}
  - policy: aws-s3-bucket-public-access-block
    resource: {BUCKET_URN}
    reason: The account-level public access block covers it.
    approver: security@example.com
    expires: {LIVE_UNTIL}
  - policy: aws-kms-key-rotation-enabled
    resource: overdue
    reason: Expired decision; it must not suppress anything.
    approver: security@example.com
    expires: 2001-01-31
"""
ENFORCEMENT = {
    analyzer_pb2.ADVISORY: "advisory",
    analyzer_pb2.MANDATORY: "mandatory",
    analyzer_pb2.DISABLED: "disabled",
    analyzer_pb2.REMEDIATE: "remediate",
}
Violation = tuple[str, str, str, str]
"""(policy, enforcement, message, resource URN), as `trustfabric check --format json` reports a violation."""


@pytest.fixture(scope="module")
def venv() -> Path:
    return pack_virtualenv()


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("program")
    (directory / "Pulumi.yaml").write_text(f"name: {PROJECT}\nruntime: python\n")
    (directory / f"Pulumi.{STACK}.yaml").write_text(yaml.safe_dump({"config": STACK_CONFIG}))
    (directory / "__main__.py").write_text(PROGRAM)
    return directory


@pytest.fixture(scope="module")
def graph(program: Path) -> ResourceGraph:
    return run_program(program, STACK)


@pytest.fixture(scope="module")
def check(program: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`trustfabric check --format json` on the program, with the exemptions the served copy ships."""
    exemptions = tmp_path_factory.mktemp("exemptions") / "exemptions.yaml"
    exemptions.write_text(EXEMPTIONS)
    command = [str(Path(sys.executable).parent / "trustfabric"), "check", "--stack", STACK, "--program", str(program)]
    command += ["--format", "json", "--exemptions", str(exemptions)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 1, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def reported(findings: list[dict[str, Any]]) -> Counter[Violation]:
    """Policy findings, leaving out what only the gate adds (a finding about an expired exemption itself)."""
    return Counter(
        (f["policy"], f["enforcement"], f["message"], f["resource"]["urn"])
        for f in findings
        if f.get("extra", {}).get("kind") != "expired-exemption"
    )


def detail(diagnostic: Any) -> str:
    """What the policy reported: the SDK prefixes the policy's description and a newline."""
    message, description = diagnostic.message, diagnostic.description
    if message.startswith(description):
        return message[len(description) :].lstrip("\n") or description
    return str(message)


def configure_as_the_cli(stub: Any, info: Any) -> None:
    """Configure as the CLI sends it: every policy with its enforcement level and its schema's defaults."""
    request = analyzer_pb2.ConfigureAnalyzerRequest()
    for policy in info.policies:
        config = analyzer_pb2.PolicyConfig(enforcementLevel=policy.enforcementLevel)
        schema = json_format.MessageToDict(policy.configSchema.properties)
        config.properties.update({key: value["default"] for key, value in schema.items() if "default" in value})
        request.policyConfig[policy.name].CopyFrom(config)
    stub.Configure(request, timeout=RPC_TIMEOUT)


def analyze_as_the_cli(stub: Any, graph: ResourceGraph) -> Counter[Violation]:
    """Analyze per custom resource, then AnalyzeStack; each diagnostic as the gate reports it."""
    stack_urn = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{STACK}"
    stub.ConfigureStack(
        analyzer_pb2.AnalyzerStackConfigureRequest(
            stack=STACK, project=PROJECT, organization="organization", dry_run=True, config=STACK_CONFIG
        ),
        timeout=RPC_TIMEOUT,
    )
    info = stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=RPC_TIMEOUT)
    configure_as_the_cli(stub, info)
    prepared = PreparedGraph(graph)
    found: Counter[Violation] = Counter()
    for resource in graph:
        if not resource.custom or resource.is_provider:
            continue
        response = stub.Analyze(prepared.entry(resource).request, timeout=RPC_TIMEOUT)
        for diagnostic in response.diagnostics:
            level = "advisory" if diagnostic.enforcementLevel == analyzer_pb2.ADVISORY else "mandatory"
            found[(diagnostic.policyName, level, detail(diagnostic), diagnostic.urn or resource.urn)] += 1
    response = stub.AnalyzeStack(stack_request(prepared), timeout=RPC_TIMEOUT)
    for diagnostic in response.diagnostics:
        level = "advisory" if diagnostic.enforcementLevel == analyzer_pb2.ADVISORY else "mandatory"
        found[(diagnostic.policyName, level, detail(diagnostic), diagnostic.urn or stack_urn)] += 1
    return found


def test_analyzer_info_lists_every_registered_policy(venv, tmp_path):
    pack_dir = copy_pack(tmp_path / "trust-fabric-v0.1.0")
    with served_pack(venv, pack_dir, project=PROJECT, stack=STACK, config=STACK_CONFIG) as stub:
        info = stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=RPC_TIMEOUT)
    registered = all_policies()
    assert info.name == PACK_NAME
    assert [policy.name for policy in info.policies] == [policy.name for policy in registered]
    for served, policy in zip(info.policies, registered, strict=True):
        meta = policy.meta
        assert ENFORCEMENT[served.enforcementLevel] == meta.enforcement, policy.name
        assert served.description == meta.description
        assert served.remediation_steps == meta.remediation
        assert list(served.tags) == list(meta.topics)
        expected_type = "POLICY_TYPE_STACK" if policy.resource_types is None and "stack" in policy.module else None
        if expected_type is not None:
            assert analyzer_pb2.PolicyType.Name(served.policy_type) == expected_type
        schema = json.loads(json.dumps(dict(meta.config_schema or {})))
        assert json_format.MessageToDict(served.configSchema.properties) == schema, policy.name
        assert list(served.configSchema.required) == list(meta.config_required)


def test_the_residency_default_comes_from_the_shipped_facts(venv, tmp_path):
    from domain.residency import as_policy_config

    pack_dir = copy_pack(tmp_path / "pack")
    with served_pack(venv, pack_dir, project=PROJECT, stack=STACK) as stub:
        info = stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=RPC_TIMEOUT)
    schemas = {p.name: json_format.MessageToDict(p.configSchema.properties) for p in info.policies}
    residency = schemas["aws-governance-resource-region-in-jurisdiction"]["residency"]["default"]
    assert json.loads(json.dumps(residency)) == json.loads(json.dumps(as_policy_config()))


def test_the_served_pack_reports_what_trustfabric_check_reports(venv, tmp_path, graph, check):
    pack_dir = copy_pack(tmp_path / "trust-fabric-v0.1.0", exemptions=EXEMPTIONS)
    with served_pack(venv, pack_dir, project=PROJECT, stack=STACK, config=STACK_CONFIG) as stub:
        served = analyze_as_the_cli(stub, graph)
    assert served == reported(check["violations"])
    names = {urn.rsplit("::", 1)[1] for (_policy, _level, _message, urn) in served}
    rotation = {urn.rsplit("::", 1)[1] for (policy, *_rest, urn) in served if policy == "aws-kms-key-rotation-enabled"}
    assert rotation == {"static", "overdue"}  # compliant and exempted keys pass; an expired exemption does not
    assert ("aws-s3-bucket-public-access-block", "mandatory") not in {(p, level) for (p, level, *_r) in served}
    assert "records" in names and "app" in names


def test_exempted_findings_are_exactly_what_the_pack_suppresses(venv, tmp_path, graph, check):
    pack_dir = copy_pack(tmp_path / "unexempted", exemptions="exemptions: []\n")
    with served_pack(venv, pack_dir, project=PROJECT, stack=STACK, config=STACK_CONFIG) as stub:
        served = analyze_as_the_cli(stub, graph)
    exempted = reported(check["exempted"])
    assert sorted((policy, urn.rsplit("::", 1)[1]) for (policy, _level, _message, urn) in exempted) == [
        ("aws-kms-key-rotation-enabled", "legacy-import"),
        ("aws-s3-bucket-public-access-block", "records"),
    ]
    assert served == reported(check["violations"]) + exempted


@pytest.mark.parametrize(
    ("exemptions", "problem"),
    [
        (
            "exemptions:\n  - policy: aws-kms-key-rotation-enabled\n    resource: k\n    reason: r\n    approver: a\n",
            "exemptions[0].expires: required",
        ),
        (
            "exemptions:\n  - policy: aws-kms-no-such-policy\n    resource: k\n    reason: r\n    approver: a\n"
            "    expires: 2999-01-01\n",
            "exemptions[0].policy: unknown policy 'aws-kms-no-such-policy'",
        ),
    ],
)
def test_a_malformed_exemptions_file_stops_the_pack_with_one_line(venv, tmp_path, exemptions, problem):
    pack_dir = copy_pack(tmp_path / "pack", exemptions=exemptions)
    pack = start_pack(venv, pack_dir, pack_environment(venv, PROJECT, STACK, STACK_CONFIG))
    try:
        assert pack.process.wait(timeout=RPC_TIMEOUT) == 2
        assert pack.process.stdout is not None and pack.process.stdout.read() == b""
        assert pack.stderr_text() == f"{pack_dir / 'exemptions.yaml'}: {problem}\n"
    finally:
        pack.stop()
