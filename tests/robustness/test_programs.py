"""Programs that misbehave: one that stops half way, exits with a status, raises, prints to stdout, passes whole
resources where names are expected; and a crash inside the CLI itself.

A program that does not run to completion is a failed gate (exit 2, one line naming the program), never an empty
passing report; a crash is exit 2 (never 1, "violations found") with one line and a pointer to `--debug`; program
output goes to stderr so `--format json` stays JSON; resource references reach policies as the CLI sends them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.robustness.conftest import STACK, assert_bad_input, run_cli

COMMAND = str(Path(sys.executable).parent / "trustfabric")
LAMBDA_ROLE = """
import json

import pulumi
import pulumi_aws as aws

role = aws.iam.Role(
    "fn-role",
    assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action":
        "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}]}),
    tags={"jurisdiction": "UK", "data-classification": "internal", "owner": "platform"},
)
aws.iam.RolePolicyAttachment("fn-basic", role=role, policy_arn=aws.iam.ManagedPolicy.AWS_LAMBDA_BASIC_EXECUTION_ROLE)
"""
DECLARES_THEN = """
import sys, os
import pulumi_aws as aws

aws.s3.Bucket("public-data", acl="public-read")
{stop}
aws.s3.Bucket("after")
"""


@pytest.mark.parametrize(
    ("stop", "said"),
    [
        ("sys.exit(0)", "the program called sys.exit(0) (__main__.py:6) before it ran to completion"),
        ("sys.exit(3)", "the program called sys.exit(3) (__main__.py:6) before it ran to completion"),
        ("sys.exit()", "the program called sys.exit() (__main__.py:6) before it ran to completion"),
        ("os._exit(0)", "the program called os._exit(0) (__main__.py:6) before it ran to completion"),
        ("raise RuntimeError('half way')", "RuntimeError: half way (__main__.py:6)"),
    ],
    ids=["exit-0", "exit-3", "exit-none", "os-exit-0", "raises"],
)
@pytest.mark.parametrize("command", ["check", "preview"])
def test_a_program_that_does_not_run_to_completion_fails_the_gate(
    foreign: Callable[..., Path], stop: str, said: str, command: str
):
    program = foreign(program=DECLARES_THEN.format(stop=stop))
    outcome = run_cli([command, "--stack", STACK, "--program", program, "--format", "json"])
    line = assert_bad_input(outcome, f"foreign ({STACK})", said)
    assert "Task exception" not in outcome.stderr and "Exception ignored" not in outcome.stderr, line


def test_stopping_inside_an_apply_also_fails_the_gate_quietly(foreign: Callable[..., Path]):
    program = foreign(
        program="""
import sys
import pulumi_aws as aws

bucket = aws.s3.Bucket("data")
bucket.bucket.apply(lambda name: sys.exit(0))
"""
    )
    outcome = run_cli(["check", "--stack", STACK, "--program", program])
    assert_bad_input(outcome, "the program called sys.exit(0) (__main__.py:6) before it ran to completion")


def test_program_output_goes_to_stderr_and_json_stays_json(foreign: Callable[..., Path]):
    program = foreign(
        program="""
import os, subprocess, sys
import pulumi_aws as aws

print("hello from print")
sys.stdout.write("hello from sys.stdout\\n")
sys.stdout.flush()
os.write(1, b"hello from fd 1\\n")
subprocess.run([sys.executable, "-c", "print('hello from a child process')"], check=True)
aws.kms.Key("ledger-key", description="ledger data", enable_key_rotation=True)
"""
    )
    done = subprocess.run(
        [COMMAND, "check", "--stack", STACK, "--program", str(program), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(done.stdout)
    assert report["resources"] == 1, done.stderr
    for said in ("hello from print", "hello from sys.stdout", "hello from fd 1", "hello from a child process"):
        assert said in done.stderr and said not in done.stdout


def test_program_output_in_process_goes_to_stderr(foreign: Callable[..., Path]):
    program = foreign(program='print("hello")\nimport pulumi_aws as aws\naws.kms.Key("k", enable_key_rotation=True)\n')
    outcome = run_cli(["preview", "--stack", STACK, "--program", program, "--format", "json"])
    assert outcome.code == 0, outcome.stderr
    assert json.loads(outcome.stdout)["project"] == "foreign"
    assert outcome.stderr == "hello\n"


def test_a_resource_passed_as_an_input_reaches_policies_as_its_id(foreign: Callable[..., Path]):
    program = foreign(program=LAMBDA_ROLE)
    outcome = run_cli(["check", "--stack", STACK, "--program", program, "--format", "json"])
    assert outcome.code in (0, 1), outcome.stderr
    report = json.loads(outcome.stdout)
    assert report["resources"] == 2
    assert "Unrecognized signature" not in outcome.stdout + outcome.stderr


def test_policies_see_what_the_cli_hands_analyzers(foreign: Callable[..., Path]):
    """The role input arrives as the role's ID (a custom resource), a component as its URN: a policy reading the
    property gets a string, as under `pulumi preview --policy-pack`."""
    from pulumi_policy import EnforcementLevel, ResourceValidationPolicy

    from trustfabric.gate import run_gate

    seen: dict[str, Any] = {}

    def record(args: Any, report_violation: Any) -> None:
        seen[args.name] = dict(args.props)

    policy = ResourceValidationPolicy(
        name="test-record-props",
        description="records what it sees",
        validate=record,
        enforcement_level=EnforcementLevel.ADVISORY,
    )
    program = foreign(
        program=LAMBDA_ROLE
        + """
class Group(pulumi.ComponentResource):
    def __init__(self, name):
        super().__init__("acme:index:Group", name)

group = Group("group")
aws.sqs.Queue("q", tags={"group": group, "role": role})
"""
    )
    result = run_gate(program, STACK, policies=[policy])
    role = next(r for r in result.graph if r.name == "fn-role")
    assert seen["fn-basic"]["role"] == role.id
    assert seen["q"]["tags"] == {"group": f"urn:pulumi:{STACK}::foreign::acme:index:Group::group", "role": role.id}
    # The graph itself keeps the reference (the bridge and the differ follow it).
    assert role.urn in json.dumps(next(r for r in result.graph if r.name == "fn-basic").inputs)


def test_whole_resources_as_inputs_and_outputs_do_not_hang(foreign: Callable[..., Path]):
    """A whole resource in an input, a tag, a component's outputs and the stack's outputs (it used to wait
    forever: the SDK's mock monitor rebuilt each reference as a live resource whose outputs never resolve)."""
    program = foreign(
        program="""
import pulumi
import pulumi_aws as aws

class Box(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("acme:index:Box", name, None, opts)
        self.bucket = aws.s3.Bucket(f"{name}-b", opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({"bucket": self.bucket})

box = Box("box")
bucket = aws.s3.Bucket("data")
aws.s3.BucketPolicy("pol", bucket=bucket, policy="{}")
aws.sqs.Queue("q", tags={"ref": bucket})
pulumi.export("bucket", bucket)
pulumi.export("box", box)
"""
    )
    # A subprocess with a generous bound, so a regression fails instead of hanging the suite.
    done = subprocess.run(
        [COMMAND, "preview", "--stack", STACK, "--program", str(program), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    graph = json.loads(done.stdout)
    assert {r["name"] for r in graph["resources"]} >= {"box", "box-b", "data", "pol", "q"}
    assert set(graph["outputs"]) == {"bucket", "box"}


def test_a_crash_is_exit_2_with_one_line_and_a_pointer_to_debug(
    foreign: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
):
    import trustfabric.gate

    def crash(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr(trustfabric.gate, "run_gate", crash)
    program = foreign()
    outcome = run_cli(["check", "--stack", STACK, "--program", program])
    line = assert_bad_input(outcome, "unexpected RuntimeError: disk on fire second line")
    assert line.endswith("(run with --debug for the traceback)")

    debugged = run_cli(["--debug", "check", "--stack", STACK, "--program", program])
    assert debugged.code == 2
    assert debugged.stderr.startswith("Traceback (most recent call last):")
    assert 'raise RuntimeError("disk on fire' in debugged.stderr
    assert debugged.stderr.splitlines()[-1] == "error: unexpected RuntimeError: disk on fire second line"


def test_debug_shows_the_program_traceback_behind_a_failure(foreign: Callable[..., Path]):
    program = foreign(program="def inner():\n    raise KeyError('cell')\n\ninner()\n")
    plain = run_cli(["check", "--stack", STACK, "--program", program])
    assert_bad_input(plain, "KeyError: 'cell' (__main__.py:2)")
    debugged = run_cli(["--debug", "check", "--stack", STACK, "--program", program])
    assert debugged.code == 2
    assert "raise KeyError('cell')" in debugged.stderr
    assert debugged.stderr.splitlines()[-1].startswith("error: foreign (test): KeyError: 'cell'")
