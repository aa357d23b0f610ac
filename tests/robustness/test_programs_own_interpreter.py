"""Third-party-style programs, as a reviewer of another team's repository runs them: enums, resource objects as
inputs, component resources, assets and archives, stack references, structured `pulumi.Config`; one using a
provider SDK this toolchain lacks (`pulumi_random`), run in its own virtualenv built with `--install`, as the
Pulumi CLI runs a program in `runtime.options.virtualenv`.

The virtualenv is built once from its requirements.txt (pip's own configuration decides the index) and cached
under `.cache/` of the repository, keyed by the requirements' hash (as tests/policies/served.py caches the pack's).
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import checkout_lock
from tests.robustness.conftest import REPO_ROOT, STACK, assert_bad_input, run_cli
from trustfabric.engine import run_program
from trustfabric.engine.interpreter import Interpreter

STACK_FILE = """\
config:
  aws:region: eu-west-2
  shop:network:
    cidr: 10.20.0.0/16
    zones: [a, b]
  shop:replicas: 3
  shop:public: false
  shop:dbPassword:
    secure: AAABAKE3nZc2
"""
SHOP = """\
import json

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
network = config.require_object("network")
replicas = config.require_int("replicas")
public = config.require_bool("public")
password = config.require_secret("dbPassword")
tags = {"jurisdiction": "UK", "data-classification": "internal", "owner": "shop"}


class Site(pulumi.ComponentResource):
    # A component with its own children, taking a resource object and returning outputs.
    def __init__(self, name, role, opts=None):
        super().__init__("shop:web:Site", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.bucket = aws.s3.Bucket(f"{name}-content", tags=tags, opts=child)
        aws.s3.BucketObject(f"{name}-index", bucket=self.bucket, source=pulumi.FileAsset("site/index.html"),
                            content_type="text/html", opts=child)
        aws.s3.BucketObject(f"{name}-robots", bucket=self.bucket.id, content="User-agent: *", opts=child)
        self.handler = aws.lambda_.Function(
            f"{name}-handler",
            role=role.arn,
            runtime=aws.lambda_.Runtime.PYTHON3D12,
            handler="app.handler",
            code=pulumi.AssetArchive({
                "app.py": pulumi.StringAsset("def handler(event, context):\\n    return 200\\n"),
                "lib": pulumi.FileArchive("./lib"),
            }),
            tags=tags,
            opts=child,
        )
        self.register_outputs({"bucket": self.bucket, "handler_arn": self.handler.arn})


network_stack = pulumi.StackReference(f"acme/network/{pulumi.get_stack()}")
vpc = aws.ec2.Vpc("vpc", cidr_block=network["cidr"], tags=tags)
subnets = [aws.ec2.Subnet(f"subnet-{zone}", vpc_id=vpc.id, cidr_block=f"10.20.{i}.0/24",
                          availability_zone=f"eu-west-2{zone}", tags=tags)
           for i, zone in enumerate(network["zones"])]
role = aws.iam.Role("site-role", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}],
}), tags=tags)
aws.iam.RolePolicyAttachment("site-logs", role=role, policy_arn=aws.iam.ManagedPolicy.AWS_LAMBDA_BASIC_EXECUTION_ROLE)
site = Site("shop", role)
queue = aws.sqs.Queue("orders", sqs_managed_sse_enabled=True, tags={**tags, "replicas": str(replicas)})
pulumi.export("site_bucket", site.bucket.bucket)
pulumi.export("public", public)
pulumi.export("db_password", password)
pulumi.export("shared_vpc", network_stack.get_output("vpcId"))
"""
RANDOM = """\
import pulumi
import pulumi_aws as aws
import pulumi_random as random

suffix = random.RandomPet("suffix", length=2)
password = random.RandomPassword("db", length=24, special=True)
print("declared random resources")
bucket = aws.s3.Bucket("assets", bucket=suffix.id.apply(lambda pet: f"assets-{pet}"),
                       tags={"jurisdiction": "UK", "data-classification": "internal", "owner": "shop"})
pulumi.export("pet", suffix.id)
"""
REQUIREMENTS = "pulumi==3.272.0\npulumi-aws==7.51.1\npulumi-random==4.21.4\n"


def write_program(directory: Path, main: str, *, project_extra: str = "", files: dict[str, str] | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Pulumi.yaml").write_text(f"name: shop\nruntime:\n  name: python\n{project_extra}", encoding="utf-8")
    (directory / f"Pulumi.{STACK}.yaml").write_text(STACK_FILE, encoding="utf-8")
    (directory / "__main__.py").write_text(main, encoding="utf-8")
    for path, text in (files or {}).items():
        target = directory / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
    return directory


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    return write_program(
        tmp_path / "shop",
        SHOP,
        files={"site/index.html": "<h1>shop</h1>\n", "lib/util.py": "VALUE = 1\n", "requirements.txt": "pulumi\n"},
    )


def test_a_third_party_program_is_previewed_and_gated(shop: Path):
    preview = run_cli(["preview", "--stack", STACK, "--program", shop, "--format", "json"])
    assert preview.code == 0, preview.stderr
    graph = json.loads(preview.stdout)
    by_name = {resource["name"]: resource for resource in graph["resources"]}
    assert (
        by_name["site-logs"]["inputs"]["policyArn"]
        == "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    )
    assert by_name["shop-handler"]["inputs"]["runtime"] == "python3.12"
    assert by_name["shop-handler"]["parent"] == by_name["shop"]["urn"]
    assert {"subnet-a", "subnet-b"} <= set(by_name)
    assert by_name["vpc"]["inputs"]["cidrBlock"] == "10.20.0.0/16"
    assert by_name["orders"]["inputs"]["tags"]["replicas"] == "3"
    assert graph["outputs"]["public"] is False
    assert "AAABAKE3nZc2" not in preview.stdout and "placeholder-secret" not in preview.stdout

    gate = run_cli(["check", "--stack", STACK, "--program", shop, "--format", "json"])
    assert gate.code in (0, 1), gate.stderr
    report = json.loads(gate.stdout)
    custom = [r for r in graph["resources"] if r["custom"] and not r["type"].startswith("pulumi:providers:")]
    assert report["resources"] == len(custom)


def test_a_child_process_records_the_same_graph_as_this_process(shop: Path):
    """The child (here with the toolchain's own interpreter) streams back exactly what an in-process run records."""
    in_process = run_program(shop, STACK)
    in_child = run_program(shop, STACK, interpreter=Interpreter(Path(sys.executable), "the toolchain, as a child"))
    assert in_child.to_json() == in_process.to_json()
    assert in_child.stack_urn == in_process.stack_urn


@pytest.fixture(scope="module")
def random_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The virtualenv `--install` builds for RANDOM (cached under .cache/ between runs); fails the test with
    the one line the CLI prints when it cannot be built."""
    program = write_program(
        tmp_path_factory.mktemp("build") / "random", RANDOM, files={"requirements.txt": REQUIREMENTS}
    )
    patch = pytest.MonkeyPatch()
    patch.setenv("TRUSTFABRIC_CACHE_DIR", str(REPO_ROOT / ".cache"))
    try:
        with checkout_lock("program-venv-random"):  # one build, whichever worker (or run) asks first
            outcome = run_cli(["preview", "--stack", STACK, "--program", program, "--install", "--format", "json"])
    finally:
        patch.undo()
    if outcome.code != 0:
        pytest.fail(f"cannot build the program's virtualenv: {outcome.stderr.strip()}", pytrace=False)
    interpreter_line = next(line for line in outcome.stderr.splitlines() if line.startswith("program interpreter:"))
    venv = Path(interpreter_line.rsplit("(", 1)[1].rstrip(")"))
    assert venv.parent == REPO_ROOT / ".cache" and (venv / "bin" / "python").is_file()
    return venv


def test_install_builds_the_program_virtualenv_and_runs_it_there(
    tmp_path: Path, random_venv: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("TRUSTFABRIC_CACHE_DIR", str(REPO_ROOT / ".cache"))
    program = write_program(tmp_path / "random", RANDOM, files={"requirements.txt": REQUIREMENTS})
    outcome = run_cli(["check", "--stack", STACK, "--program", program, "--install", "--format", "json"])
    assert outcome.code in (0, 1), outcome.stderr
    assert json.loads(outcome.stdout)["resources"] == 3
    assert "declared random resources" in outcome.stderr
    assert f"program interpreter: a virtualenv built from {program / 'requirements.txt'} ({random_venv})" in (
        outcome.stderr
    )


def test_runtime_options_virtualenv_is_the_interpreter(tmp_path: Path, random_venv: Path):
    program = write_program(tmp_path / "random", RANDOM, project_extra=f"  options:\n    virtualenv: {random_venv}\n")
    outcome = run_cli(["preview", "--stack", STACK, "--program", program, "--format", "json"])
    assert outcome.code == 0, outcome.stderr
    graph = json.loads(outcome.stdout)
    assert {r["type"] for r in graph["resources"]} >= {
        "random:index/randomPet:RandomPet",
        "random:index/randomPassword:RandomPassword",
    }
    assert graph["outputs"]["pet"].startswith("suffix-")
    assert f"the program's virtualenv {random_venv} ({program / 'Pulumi.yaml'}: runtime.options.virtualenv)" in (
        outcome.stderr
    )


@pytest.mark.parametrize(
    ("stop", "said"),
    [
        ("import sys; sys.exit(0)", "the program called sys.exit(0) (__main__.py:1) before it ran to completion"),
        ("import os; os._exit(0)", "the program called os._exit(0) (__main__.py:1) before it ran to completion"),
        (
            "import os, signal; os.kill(os.getpid(), signal.SIGKILL)",
            "the program was killed by SIGKILL in the program's",
        ),
    ],
    ids=["sys-exit", "os-exit", "killed"],
)
def test_a_program_stopping_in_its_own_interpreter_fails_the_gate(
    tmp_path: Path, random_venv: Path, stop: str, said: str
):
    program = write_program(
        tmp_path / "random", f"{stop}\n{RANDOM}", project_extra=f"  options:\n    virtualenv: {random_venv}\n"
    )
    outcome = run_cli(["check", "--stack", STACK, "--program", program, "--format", "json"])
    assert_bad_input(outcome, "shop (test)", said)


def test_a_provider_sdk_the_toolchain_lacks_names_install(tmp_path: Path):
    program = write_program(tmp_path / "random", RANDOM, files={"requirements.txt": REQUIREMENTS})
    outcome = run_cli(["check", "--stack", STACK, "--program", program])
    assert_bad_input(
        outcome,
        "ModuleNotFoundError: No module named 'pulumi_random'",
        "the toolchain's interpreter",
        "runtime.options.virtualenv, or run with --install",
    )


def test_install_without_requirements_is_one_line(tmp_path: Path):
    program = write_program(tmp_path / "random", RANDOM)
    outcome = run_cli(["check", "--stack", STACK, "--program", program, "--install"])
    assert_bad_input(outcome, f"--install: {program} has no requirements.txt")


def test_a_virtualenv_that_is_not_one_is_one_line(tmp_path: Path):
    program = write_program(tmp_path / "random", RANDOM, project_extra="  options:\n    virtualenv: venv\n")
    (program / "venv").mkdir()
    outcome = run_cli(["preview", "--stack", STACK, "--program", program])
    assert_bad_input(outcome, f"{program / 'Pulumi.yaml'}: runtime.options.virtualenv: {program / 'venv'} is not a")


def test_a_bad_toolchain_option_is_one_line(tmp_path: Path):
    program = write_program(tmp_path / "random", RANDOM, project_extra="  options:\n    toolchain: conda\n")
    outcome = run_cli(["preview", "--stack", STACK, "--program", program])
    assert_bad_input(outcome, "Pulumi.yaml: runtime.options.toolchain: 'conda' is not one of pip, poetry, uv")


def test_install_into_the_named_virtualenv_reuses_it_when_its_requirements_are_unchanged(
    tmp_path: Path, random_venv: Path
):
    """`--install` with `runtime.options.virtualenv`: the virtualenv built from these requirements (its marker
    holds their hash) is used as it is, not rebuilt."""
    marker = random_venv / ".trustfabric-requirements"
    built = marker.stat().st_mtime_ns
    program = write_program(
        tmp_path / "random",
        RANDOM,
        project_extra=f"  options:\n    virtualenv: {random_venv}\n",
        files={"requirements.txt": REQUIREMENTS},
    )
    outcome = run_cli(["preview", "--stack", STACK, "--program", program, "--install", "--format", "json"])
    assert outcome.code == 0, outcome.stderr
    assert marker.stat().st_mtime_ns == built
    assert "runtime.options.virtualenv" in outcome.stderr
