"""No output, snapshot or evidence file holds a secret value: not a `secure:` ciphertext, not the placeholder
the engine stands in for it (however the program reads it), not a value the program marks secret."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from policies.registry import all_policies
from tests.robustness.conftest import STACK, run_cli
from trustfabric.engine import load_project, load_stack_config, run_program
from trustfabric.evidence.package import Inputs, build_package
from trustfabric.golden import render

CIPHERTEXTS = ("AAABAKciphertextOfTheDatabasePassword", "AAABAKciphertextOfTheNestedApiToken")
MARKED = ("OUTPUT-MARKED-SECRET-7f3a", "INPUT-MARKED-SECRET-91bc")
STACK_FILE = f"""config:
  aws:region: eu-west-2
  leaky:dbPassword:
    secure: {CIPHERTEXTS[0]}
  leaky:service:
    name: ledger
    apiToken:
      secure: {CIPHERTEXTS[1]}
"""
PROGRAM = f"""
import json

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
password = config.require_secret("dbPassword")
plain_password = config.get("dbPassword")            # read without get_secret: plain text to the program
service = config.require_object("service")
aws.ssm.Parameter("password", type="SecureString", value=password)
aws.ssm.Parameter("copied", type="String", value=plain_password)
aws.ssm.Parameter("service", type="String", value=json.dumps(service))
aws.ssm.Parameter("marked", type="String", value=pulumi.Output.secret("{MARKED[1]}"))
aws.kms.Key("key", description=f"key for {{plain_password}}", enable_key_rotation=True)
pulumi.export("password", password)
pulumi.export("plainPassword", plain_password)
pulumi.export("service", service)
pulumi.export("marked", pulumi.Output.secret("{MARKED[0]}"))
"""


@pytest.fixture
def leaky(foreign: Callable[..., Path]) -> tuple[Path, tuple[str, ...]]:
    """The program and every secret string that must appear in no output."""
    program = foreign(stack_file=STACK_FILE, project_file="name: leaky\nruntime: python\n", program=PROGRAM)
    placeholders = tuple(load_stack_config(load_project(program), STACK).secret_values)
    assert len(placeholders) == 2
    return program, (*CIPHERTEXTS, *MARKED, *placeholders)


def _assert_absent(text: str, secrets: tuple[str, ...], where: str) -> None:
    for secret in secrets:
        assert secret not in text, f"{secret} in {where}"


@pytest.mark.parametrize(
    "args",
    [
        ["preview", "--format", "json"],
        ["preview", "--format", "text"],
        ["check", "--format", "json"],
        ["check", "--format", "sarif"],
        ["check", "--format", "text"],
    ],
    ids=lambda args: "-".join(args),
)
def test_no_report_holds_a_secret(leaky: tuple[Path, tuple[str, ...]], args: list[str]):
    program, secrets = leaky
    outcome = run_cli([*args[:1], "--stack", STACK, "--program", program, *args[1:]])
    assert outcome.code in (0, 1), outcome.stderr
    assert outcome.stdout
    _assert_absent(outcome.stdout + outcome.stderr, secrets, " ".join(args))


def test_the_golden_render_holds_no_secret(leaky: tuple[Path, tuple[str, ...]]):
    program, secrets = leaky
    text = render(run_program(program, STACK))
    assert '"[secret]"' in text
    _assert_absent(text, secrets, "the golden render")


def test_the_evidence_package_holds_no_secret(leaky: tuple[Path, tuple[str, ...]], tmp_path: Path):
    program, secrets = leaky
    out = tmp_path / "package"
    build_package(
        STACK,
        out,
        program_dir=program,
        inputs=Inputs(reports_dir=tmp_path / "no-reports"),
        policies=all_policies(),
    )
    files = [path for path in out.rglob("*") if path.is_file()]
    assert len(files) > 5
    for path in files:
        _assert_absent(path.read_bytes().decode("utf-8", errors="replace"), secrets, str(path.relative_to(out)))
