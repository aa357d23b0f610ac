"""`check --with-checkov` writes its checkov results where the evidence package reads them, and checkov findings
point at the line that declares the resource they name.

Most tests run a stand-in for checkov (`TRUSTFABRIC_CHECKOV`): a script that keeps the plan it was given and
prints a fixed report, so the file's shape is tested exactly and fast. One test runs the real checkov on a
program with a Lambda function and a code archive, end to end.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import stat
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.trustfabric.helpers import STACK, CliResult, invoke, pack_policies, write_program
from tests.trustfabric.report.sources import with_source_lines
from trustfabric.paths import REPO_ROOT
from trustfabric.report.sarif import SRCROOT, sarif_validator

PROGRAM = """
import pulumi
import pulumi_aws as aws

role = aws.iam.Role("fn-role", assume_role_policy="{}")
aws.lambda_.Function("handler", role=role.arn, runtime="python3.12", handler="index.handler", code=pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(event, context): return 1")}))
aws.kms.Key("ledger-key", description="ledger data")
"""
# Line 6 declares the function, line 7 the key (the first line of PROGRAM is empty).
LEDGER_URN = "urn:pulumi:test::foreign::aws:kms/key:Key::ledger-key"
HANDLER_URN = "urn:pulumi:test::foreign::aws:lambda/function:Function::handler"

FAKE_REPORT = [
    {
        "check_type": "terraform_plan",
        "results": {
            "passed_checks": [
                {
                    "check_id": "CKV_AWS_50",
                    "check_name": "X-Ray tracing is enabled for Lambda",
                    "resource": "aws_lambda_function.handler",
                    "file_path": "/plan.json",
                }
            ],
            "failed_checks": [
                {
                    "check_id": "CKV_AWS_7",
                    "check_name": "Ensure rotation for customer created CMKs is enabled",
                    "resource": "aws_kms_key.ledger-key",
                    "file_path": "/plan.json",
                    "guideline": "https://docs.prismacloud.io/en/enterprise-edition/policy-reference/aws-policies/aws-general-policies/ensure-rotation-for-customer-created-cmks-is-enabled",
                },
                {
                    "check_id": "CKV_AWS_116",
                    "check_name": "Ensure that AWS Lambda function is configured for a Dead Letter Queue(DLQ)",
                    "resource": "aws_lambda_function.handler",
                    "file_path": "/plan.json",
                },
            ],
            "parsing_errors": [],
        },
        "summary": {"passed": 1, "failed": 2, "checkov_version": "9.9.9"},
    }
]

SUPPRESSION = {
    "check": "CKV_AWS_116",
    "resource": "handler",
    "reason": "The handler is invoked synchronously by the API; failures surface to the caller, not a queue.",
    "approver": "platform-security",
    "expires": (dt.date.today() + dt.timedelta(days=30)).isoformat(),
}


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """The program, a policy config with our policies off, suppressions, and the stand-in checkov."""
    program = write_program(tmp_path, PROGRAM)
    config = tmp_path / "policy.yaml"
    config.write_text(yaml.safe_dump({p.name: "disabled" for p in pack_policies()}))
    suppressions = tmp_path / "suppressions.yaml"
    suppressions.write_text(yaml.safe_dump({"suppressions": [SUPPRESSION]}))
    kept_plan = tmp_path / "scanned-plan.json"
    fake = tmp_path / "bin" / "checkov"
    fake.parent.mkdir()
    fake.write_text(
        textwrap.dedent(
            f"""\
            #!{sys.executable}
            import shutil, sys
            target = sys.argv[sys.argv.index("-d") + 1]
            shutil.copyfile(target + "/plan.json", {str(kept_plan)!r})
            print({json.dumps(json.dumps(FAKE_REPORT))})
            """
        )
    )
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("TRUSTFABRIC_CHECKOV", str(fake))
    with_source_lines(monkeypatch)
    return {"program": program, "config": config, "suppressions": suppressions, "plan": kept_plan, "root": tmp_path}


def _check(setup: dict[str, Path], *extra: str | Path, quiet: bool = False) -> CliResult:
    return invoke(
        *(["-q"] if quiet else []),
        "check",
        "--stack",
        STACK,
        "--program",
        setup["program"],
        "--policy-config",
        setup["config"],
        "--with-checkov",
        "--checkov-suppressions",
        setup["suppressions"],
        *extra,
    )


def test_the_results_file_has_the_documented_shape(setup: dict[str, Path]) -> None:
    result = _check(setup, "--format", "json")
    assert result.exit_code == 1, result.stderr
    path = setup["program"] / "reports" / "checkov" / "test.json"
    assert result.stderr == f"checkov results: {path}\n"
    document = json.loads(path.read_text())
    assert list(document) == [
        "stack",
        "generated_at",
        "resources",
        "passed",
        "failed",
        "suppressed",
        "mandatory",
        "unmapped",
        "seconds",
        "checkov_version",
        "plan_sha256",
        "findings",
        "exempted",
        "results",
    ]
    assert document["stack"] == STACK
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", document["generated_at"])
    assert (document["resources"], document["passed"], document["failed"]) == (3, 1, 2)
    assert (document["suppressed"], document["mandatory"], document["unmapped"]) == (1, 1, [])
    assert document["checkov_version"] == "9.9.9"
    assert document["plan_sha256"] == hashlib.sha256(setup["plan"].read_bytes()).hexdigest()
    [finding] = document["findings"]
    assert finding == {
        "policy": "CKV_AWS_7",
        "enforcement": "mandatory",
        "severity": "medium",
        "message": "Ensure rotation for customer created CMKs is enabled: aws_kms_key.ledger-key",
        "resource": {"urn": LEDGER_URN, "type": "aws:kms/key:Key", "name": "ledger-key"},
        "controls": [],
        "source": {"file": "__main__.py", "line": 7},
        "checker": "checkov",
        "remediation": "Change the resource so the check passes, or add a reviewed entry to checkov-suppressions.yaml.",
        "extra": {
            "check_name": "Ensure rotation for customer created CMKs is enabled",
            "framework": "terraform_plan",
            "address": "aws_kms_key.ledger-key",
            "guideline": FAKE_REPORT[0]["results"]["failed_checks"][0]["guideline"],
            "check_class": "",
        },
    }
    [exempted] = document["exempted"]
    assert (exempted["policy"], exempted["source"]) == ("CKV_AWS_116", {"file": "__main__.py", "line": 6})
    assert exempted["extra"]["exemption"]["reason"] == SUPPRESSION["reason"]
    assert document["results"] == [
        {
            "check_id": "CKV_AWS_116",
            "check_name": "Ensure that AWS Lambda function is configured for a Dead Letter Queue(DLQ)",
            "passed": False,
            "framework": "terraform_plan",
            "address": "aws_lambda_function.handler",
            "urn": HANDLER_URN,
        },
        {
            "check_id": "CKV_AWS_50",
            "check_name": "X-Ray tracing is enabled for Lambda",
            "passed": True,
            "framework": "terraform_plan",
            "address": "aws_lambda_function.handler",
            "urn": HANDLER_URN,
        },
        {
            "check_id": "CKV_AWS_7",
            "check_name": "Ensure rotation for customer created CMKs is enabled",
            "passed": False,
            "framework": "terraform_plan",
            "address": "aws_kms_key.ledger-key",
            "urn": LEDGER_URN,
        },
    ]


def test_the_json_report_carries_the_same_checkov_key(setup: dict[str, Path]) -> None:
    result = _check(setup, "--format", "json")
    report = json.loads(result.stdout)
    results_file = setup["program"] / "reports" / "checkov" / "test.json"
    written = json.loads(results_file.read_text())
    summary_keys = ["resources", "passed", "failed", "suppressed", "mandatory", "unmapped", "seconds"]
    summary_keys += ["checkov_version", "plan_sha256"]
    assert report["checkov"] == {
        **{key: written[key] for key in summary_keys},
        "results_file": str(results_file),
    }
    assert report["violations"] == written["findings"]
    assert report["exempted"] == written["exempted"]


def test_checkov_results_override_and_quiet(setup: dict[str, Path]) -> None:
    target = setup["root"] / "evidence-input" / "checkov-test.json"
    target.parent.mkdir()
    result = _check(setup, "--checkov-results", target, quiet=True)
    assert (result.exit_code, result.stderr) == (1, "")
    assert json.loads(target.read_text())["stack"] == STACK
    assert not (setup["program"] / "reports").exists()


def test_a_results_path_that_cannot_be_written_is_exit_2_before_the_run(
    setup: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import trustfabric.engine

    def not_run(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the program ran before its bad input was reported")

    monkeypatch.setattr(trustfabric.engine, "run_program", not_run)
    missing = setup["root"] / "nowhere" / "checkov.json"
    result = _check(setup, "--checkov-results", missing)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"error: --checkov-results: {missing}: directory {missing.parent} does not exist\n"
    result = _check(setup, "--checkov-results", setup["root"])
    assert result.stderr == f"error: --checkov-results: {setup['root']} is a directory; name a file\n"


def test_checkov_results_without_checkov_is_bad_input(setup: dict[str, Path]) -> None:
    result = invoke("check", "--stack", STACK, "--program", setup["program"], "--checkov-results", "x.json")
    assert (result.exit_code, result.stderr) == (2, "error: --checkov-results: given without --with-checkov\n")


def test_real_checkov_on_a_lambda_with_a_code_archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once `check --with-checkov` died here with RecursionError; now the archive bridges and every checkov
    finding points at the line that declares its resource, in SARIF that validates."""
    with_source_lines(monkeypatch)
    program = write_program(tmp_path, PROGRAM)
    config = tmp_path / "policy.yaml"
    config.write_text(yaml.safe_dump({p.name: "disabled" for p in pack_policies()}))
    no_suppressions = tmp_path / "none.yaml"
    no_suppressions.write_text("suppressions: []\n")
    results_file = tmp_path / "checkov.json"
    result = invoke(
        "check",
        "--stack",
        STACK,
        "--program",
        program,
        "--policy-config",
        config,
        "--with-checkov",
        "--checkov-suppressions",
        no_suppressions,
        "--checkov-results",
        results_file,
        "--format",
        "sarif",
    )
    assert result.exit_code == 1, result.stderr
    log = json.loads(result.stdout)
    assert [error.message for error in sarif_validator().iter_errors(log)] == []
    located = {
        (r["ruleId"], r["locations"][0]["logicalLocations"][0]["name"]): r["locations"][0]["physicalLocation"]
        for r in log["runs"][0]["results"]
        if r["properties"]["source"] == "checkov" and "logicalLocations" in r["locations"][0]
    }
    key_line = {"artifactLocation": {"uri": "__main__.py", "uriBaseId": SRCROOT}, "region": {"startLine": 7}}
    function_line = {"artifactLocation": {"uri": "__main__.py", "uriBaseId": SRCROOT}, "region": {"startLine": 6}}
    assert located[("CKV_AWS_7", "ledger-key")] == key_line
    function_checks = {rule for rule, name in located if name == "handler"}
    assert {"CKV_AWS_116", "CKV_AWS_117"} <= function_checks  # no dead-letter queue, not in a VPC
    assert all(located[(rule, "handler")] == function_line for rule in function_checks)
    written = json.loads(results_file.read_text())
    pinned = next(
        line.split("==")[1].strip()
        for line in (REPO_ROOT / "requirements-checkov.txt").read_text().splitlines()
        if line.startswith("checkov==")
    )
    assert written["checkov_version"] == pinned
    assert re.fullmatch(r"[0-9a-f]{64}", written["plan_sha256"])
    assert {item["urn"] for item in written["results"]} >= {LEDGER_URN, HANDLER_URN}
