"""Every SDK value bridges to what a Terraform plan shows: assets, archives, references, secrets, unknowns, outputs.

Values are written in the wire form the engine records (the JSON of the gRPC Struct the SDK sends), as
`run_program` shows them for a real program (the program at the end proves the shapes are the SDK's own).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.trustfabric.helpers import STACK, write_program
from trustfabric.bridge.tfplan import SECRET_PLACEHOLDER, build_plan
from trustfabric.bridge.values import OMIT, PlanValue, asset_identity, convert_object, convert_value
from trustfabric.engine import run_program
from trustfabric.graph import (
    ARCHIVE_SIG,
    ASSET_SIG,
    OUTPUT_SIG,
    RESOURCE_REF_SIG,
    SECRET_SIG,
    SIG_KEY,
    UNKNOWN,
    Resource,
    ResourceGraph,
)

BUCKET_URN = "urn:pulumi:test::foreign::aws:s3/bucket:Bucket::records"


def secret(value: object) -> dict[str, object]:
    return {SIG_KEY: SECRET_SIG, "value": value}


def test_plain_values_and_integral_numbers() -> None:
    assert convert_object({"name": "a", "enabled": True, "days": 30.0, "ratio": 0.5, "note": None}) == PlanValue(
        {"name": "a", "enabled": True, "days": 30, "ratio": 0.5, "note": None}
    )


@pytest.mark.parametrize(
    ("asset", "identity"),
    [
        ({SIG_KEY: ASSET_SIG, "path": "./app/index.py"}, "./app/index.py"),
        ({SIG_KEY: ASSET_SIG, "uri": "https://example.com/x.txt"}, "https://example.com/x.txt"),
        (
            {SIG_KEY: ASSET_SIG, "text": "print(1)"},
            "sha256:" + hashlib.sha256(b'{"text":"print(1)"}').hexdigest(),
        ),
    ],
    ids=["file-asset", "remote-asset", "string-asset"],
)
def test_assets_bridge_to_their_path_uri_or_content_hash(asset: dict[str, str], identity: str) -> None:
    assert convert_value(asset, "source") == PlanValue(identity)


def test_archives_bridge_to_their_path_uri_or_members_hash() -> None:
    assert convert_value({SIG_KEY: ARCHIVE_SIG, "path": "./app"}) == PlanValue("./app")
    assert convert_value({SIG_KEY: ARCHIVE_SIG, "uri": "s3://b/app.zip"}) == PlanValue("s3://b/app.zip")
    members = {
        "index.py": {SIG_KEY: ASSET_SIG, "text": "def handler(event, context): ..."},
        "lib": {SIG_KEY: ARCHIVE_SIG, "path": "./lib"},
    }
    archive = {SIG_KEY: ARCHIVE_SIG, "assets": members}
    reordered = {SIG_KEY: ARCHIVE_SIG, "assets": dict(reversed(list(members.items())))}
    canonical = json.dumps(
        {"assets": {"index.py": {"text": "def handler(event, context): ..."}, "lib": {"path": "./lib"}}},
        sort_keys=True,
        separators=(",", ":"),
    )
    expected = "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
    assert asset_identity(archive) == asset_identity(reordered) == expected
    assert convert_value(archive, "code") == PlanValue(expected)


def test_resource_references_bridge_to_the_id_or_unknown() -> None:
    reference = {SIG_KEY: RESOURCE_REF_SIG, "urn": BUCKET_URN, "id": "records-1a2b"}
    assert convert_value(reference) == PlanValue("records-1a2b")
    component = {SIG_KEY: RESOURCE_REF_SIG, "urn": "urn:pulumi:test::foreign::test:x:Store::s"}
    assert convert_value(component) == PlanValue(OMIT, True)
    assert convert_value({**reference, "id": UNKNOWN}) == PlanValue(OMIT, True)


def test_secrets_are_placeholders_marked_sensitive_at_any_depth() -> None:
    converted = convert_object(
        {
            "password": secret("hunter2"),
            "environment": {"variables": {"TOKEN": secret("t0k3n"), "STAGE": "prod"}},
            "ports": [secret(5432.0)],
            "grants": secret([{"user": "ledger"}]),
        }
    )
    assert converted.value == {
        "password": SECRET_PLACEHOLDER,
        "environment": [{"variables": {"TOKEN": SECRET_PLACEHOLDER, "STAGE": "prod"}}],
        "ports": [5432],
        "grants": [{"user": SECRET_PLACEHOLDER}],
    }
    assert converted.sensitive == {
        "password": True,
        "environment": [{"variables": {"TOKEN": True}}],
        "ports": [True],
        "grants": True,
    }
    assert "hunter2" not in json.dumps(converted.value) and "t0k3n" not in json.dumps(converted.value)
    assert converted.unknown is None


def test_unknowns_are_left_out_of_objects_null_in_lists_and_marked() -> None:
    converted = convert_object(
        {
            "kmsKeyId": UNKNOWN,
            "tags": {"owner": "platform", "arn": UNKNOWN},
            "cidrBlocks": ["10.0.0.0/16", UNKNOWN],
            "rules": [{"id": "expire", "days": UNKNOWN}],
            "secretToken": secret(UNKNOWN),
        }
    )
    assert converted.value == {
        "tags": {"owner": "platform"},
        "cidr_blocks": ["10.0.0.0/16", None],
        "rule": [{"id": "expire"}],
    }
    assert converted.unknown == {
        "kms_key_id": True,
        "tags": {"arn": True},
        "cidr_blocks": [False, True],
        "rule": [{"days": True}],
        "secret_token": True,
    }
    assert converted.sensitive == {"secret_token": True}


def test_output_values_unwrap_known_mark_unknown_and_keep_secrecy() -> None:
    known = {SIG_KEY: OUTPUT_SIG, "value": {"status": "Enabled"}, "dependencies": [BUCKET_URN]}
    unknown = {SIG_KEY: OUTPUT_SIG, "dependencies": [BUCKET_URN]}
    secret_output = {SIG_KEY: OUTPUT_SIG, "value": "s3cr3t", "secret": True}
    nested = {SIG_KEY: OUTPUT_SIG, "value": {"inner": {SIG_KEY: OUTPUT_SIG, "value": [1.0, UNKNOWN]}}}
    converted = convert_object({"versioning": known, "arn": unknown, "token": secret_output, "settings": nested})
    assert converted.value == {
        "versioning": [{"status": "Enabled"}],
        "token": SECRET_PLACEHOLDER,
        "settings": [{"inner": [1, None]}],
    }
    assert converted.unknown == {"arn": True, "settings": [{"inner": [False, True]}]}
    assert converted.sensitive == {"token": True}


def test_an_undefined_signature_is_unknown_not_a_crash() -> None:
    assert convert_value({SIG_KEY: "0123456789abcdef0123456789abcdef", "value": 1}) == PlanValue(OMIT, True)


LAMBDA_PROGRAM = """
import pulumi
import pulumi_aws as aws

role = aws.iam.Role("fn-role", assume_role_policy="{}")
bucket = aws.s3.Bucket("records")
aws.lambda_.Function(
    "handler",
    role=role.arn,
    runtime="python3.12",
    handler="index.handler",
    code=pulumi.AssetArchive({
        "index.py": pulumi.StringAsset("def handler(event, context): return 1"),
        "lib": pulumi.FileArchive("./lib"),
    }),
    environment={"variables": {"TOKEN": pulumi.Output.secret("t0k3n")}},
)
aws.lambda_.Function("zipped", role=role.arn, runtime="python3.12", handler="index.handler",
                     code=pulumi.FileArchive("./lib"), source_code_hash="abc=")
aws.s3.BucketObjectv2("readme", bucket=bucket.id, key="README", source=pulumi.FileAsset("./lib/README"))
"""


@pytest.fixture(scope="module")
def lambda_graph(tmp_path_factory: pytest.TempPathFactory) -> ResourceGraph:
    program = write_program(tmp_path_factory.mktemp("lambda"), LAMBDA_PROGRAM)
    (program / "lib").mkdir()
    (program / "lib" / "README").write_text("ledger\n")
    return run_program(program, STACK)


def test_a_lambda_with_a_code_archive_bridges_as_terraform_shows_it(lambda_graph: ResourceGraph) -> None:
    handler = next(r for r in lambda_graph if r.name == "handler")
    assert handler.inputs["code"][SIG_KEY] == ARCHIVE_SIG  # the SDK's own wire form, not a hand-made one
    plan = build_plan(lambda_graph).plan
    changes = {change["address"]: change["change"] for change in plan["resource_changes"]}
    function = changes["aws_lambda_function.handler"]
    assert function["after"]["filename"] == asset_identity(handler.inputs["code"])
    assert function["after"]["filename"].startswith("sha256:")
    assert "code" not in function["after"]
    assert function["after_unknown"] == {"role": True, "source_code_hash": True}
    assert function["after_sensitive"] == {"environment": [{"variables": {"TOKEN": True}}]}
    zipped = changes["aws_lambda_function.zipped"]
    assert (zipped["after"]["filename"], zipped["after"]["source_code_hash"]) == ("./lib", "abc=")
    assert "source_code_hash" not in zipped["after_unknown"]
    assert changes["aws_s3_object.readme"]["after"]["source"] == "./lib/README"
    assert "t0k3n" not in json.dumps(plan)


def test_a_resource_passed_whole_is_a_reference_to_its_id() -> None:
    # Recorded by hand: the wire form `aws.s3.BucketPolicy("records-policy", bucket=bucket)` sends.
    graph = ResourceGraph(project="foreign", stack=STACK)
    bucket = Resource(BUCKET_URN, "aws:s3/bucket:Bucket", "records", True, id="records-1a2b")
    policy = Resource(
        "urn:pulumi:test::foreign::aws:s3/bucketPolicy:BucketPolicy::records-policy",
        "aws:s3/bucketPolicy:BucketPolicy",
        "records-policy",
        True,
        inputs={"bucket": {SIG_KEY: RESOURCE_REF_SIG, "urn": BUCKET_URN, "id": "records-1a2b"}, "policy": "{}"},
        property_dependencies={"bucket": [BUCKET_URN]},
    )
    graph.resources = {bucket.urn: bucket, policy.urn: policy}
    plan = build_plan(graph).plan
    [configured] = [r for r in plan["configuration"]["root_module"]["resources"] if r["name"] == "records-policy"]
    assert configured["expressions"]["bucket"] == {"references": ["aws_s3_bucket.records.id", "aws_s3_bucket.records"]}
    [change] = [c["change"] for c in plan["resource_changes"] if c["name"] == "records-policy"]
    assert (change["after"], change["after_unknown"]) == ({"policy": "{}"}, {"bucket": True})


def test_the_plan_is_json_for_any_graph(lambda_graph: ResourceGraph, tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(build_plan(lambda_graph).plan))
    assert json.loads(path.read_text())["format_version"] == "1.2"
