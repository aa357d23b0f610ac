"""The offline engine runs any Pulumi Python program dir, records what the real engine would receive, and keeps
runs of different programs apart."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from trustfabric.engine import ACCOUNT_ID, run_program
from trustfabric.errors import ConfigError, ProgramError
from trustfabric.graph import SECRET_SIG, SIG_KEY, UNKNOWN


def write_program(
    root: Path, name: str, main: str, stack_config: str, *, files: dict[str, str] | None = None, project_extra: str = ""
) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n{project_extra}", encoding="utf-8")
    (root / "Pulumi.test.yaml").write_text(textwrap.dedent(stack_config), encoding="utf-8")
    (root / "__main__.py").write_text(textwrap.dedent(main), encoding="utf-8")
    for path, text in (files or {}).items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


TWO_REGIONS = """\
    import pulumi
    import pulumi_aws as aws

    east = aws.Provider("east", region="us-east-1")
    west = aws.Provider("west", region="us-west-2")
    primary = aws.s3.Bucket("primary", opts=pulumi.ResourceOptions(provider=east))
    replica = aws.s3.Bucket("replica", opts=pulumi.ResourceOptions(provider=west))
    default = aws.sqs.Queue("default-region")
    aws.s3.BucketVersioning("primary-versioning", bucket=primary.id,
                            versioning_configuration={"status": "Enabled"},
                            opts=pulumi.ResourceOptions(provider=east, depends_on=[replica]))
    pulumi.export("replica_arn", replica.arn)
"""


def test_explicit_providers_in_two_regions(tmp_path):
    program = write_program(tmp_path / "p", "two-regions", TWO_REGIONS, "config:\n  aws:region: eu-west-1\n")
    graph = run_program(program, "test")
    by_name = {r.name: r for r in graph}
    assert by_name["primary"].region == "us-east-1"
    assert by_name["replica"].region == "us-west-2"
    assert by_name["default-region"].region == "eu-west-1"
    assert by_name["default-region"].provider is None
    assert by_name["primary"].provider == "urn:pulumi:test::two-regions::pulumi:providers:aws::east"
    assert by_name["east"].region == "us-east-1" and by_name["east"].is_provider
    versioning = by_name["primary-versioning"]
    assert versioning.dependencies == sorted([by_name["primary"].urn, by_name["replica"].urn])
    assert versioning.property_dependencies["bucket"] == [by_name["primary"].urn]
    assert versioning.inputs["versioningConfiguration"] == {"status": "Enabled"}
    assert graph.outputs["replica_arn"] == f"arn:aws:s3:::{by_name['replica'].id}"


def test_urns_are_those_of_the_real_engine(tmp_path):
    main = """\
        import pulumi
        import pulumi_aws as aws

        class Group(pulumi.ComponentResource):
            def __init__(self, name, opts=None):
                super().__init__("acme:index:Group", name, None, opts)
                inner = Inner(f"{name}-inner", opts=pulumi.ResourceOptions(parent=self))
                aws.sqs.Queue(f"{name}-q", opts=pulumi.ResourceOptions(parent=inner))

        class Inner(pulumi.ComponentResource):
            def __init__(self, name, opts=None):
                super().__init__("acme:index:Inner", name, None, opts)

        Group("g")
    """
    graph = run_program(write_program(tmp_path / "p", "urns", main, "config: {}\n"), "test")
    assert sorted(graph.resources) == [
        "urn:pulumi:test::urns::acme:index:Group$acme:index:Inner$aws:sqs/queue:Queue::g-q",
        "urn:pulumi:test::urns::acme:index:Group$acme:index:Inner::g-inner",
        "urn:pulumi:test::urns::acme:index:Group::g",
    ]


def test_secure_and_structured_config(tmp_path):
    main = """\
        import pulumi
        import pulumi_aws as aws

        config = pulumi.Config()
        for name in config.require_object("queues"):
            aws.sqs.Queue(name, tags=config.require_object("tags"))
        aws.ssm.Parameter("db-password", type="SecureString", value=config.require_secret("dbPassword"))
        pulumi.export("count", config.require_int("count"))
    """
    stack = """\
        config:
          aws:region: eu-west-2
          secure-prog:queues: [alpha, beta]
          secure-prog:tags: {team: ledger, tier: "1"}
          secure-prog:count: 3
          secure-prog:dbPassword:
            secure: AAABAGVuY3J5cHRlZA==
    """
    graph = run_program(write_program(tmp_path / "p", "secure-prog", main, stack), "test")
    assert sorted(r.name for r in graph.custom_resources) == ["alpha", "beta", "db-password"]
    assert graph.get("urn:pulumi:test::secure-prog::aws:sqs/queue:Queue::alpha").inputs["tags"] == {
        "team": "ledger",
        "tier": "1",
    }
    parameter = graph.get("urn:pulumi:test::secure-prog::aws:ssm/parameter:Parameter::db-password")
    value = parameter.inputs["value"]
    assert value[SIG_KEY] == SECRET_SIG and value["value"].startswith("placeholder-secret-")
    assert parameter.props["value"] == value["value"]
    assert graph.config["secure-prog:dbPassword"] == "[secret]"
    rendered = graph.to_json()
    assert value["value"] not in rendered and "AAABAGVuY3J5cHRlZA" not in rendered
    assert graph.outputs["count"] == 3


def test_project_config_defaults_and_main_file(tmp_path):
    program = write_program(
        tmp_path / "p",
        "defaults",
        "raise SystemExit('the root __main__.py must not run when main: names another file')\n",
        "config:\n  defaults:size: large\n",
        files={
            "src/app.py": """\
                import pulumi
                config = pulumi.Config()
                pulumi.export("size", config.require("size"))
                pulumi.export("zone", config.require("zone"))
            """
        },
        project_extra="main: src/app.py\nconfig:\n  size:\n    default: small\n  zone: b\n",
    )
    graph = run_program(program, "test")
    assert graph.outputs == {"size": "large", "zone": "b"}


def test_invokes_get_plausible_answers(tmp_path):
    main = """\
        import pulumi
        import pulumi_aws as aws

        identity = aws.get_caller_identity()
        region = aws.get_region()
        document = aws.iam.get_policy_document(statements=[{
            "effect": "Deny",
            "actions": ["s3:*"],
            "resources": ["*"],
            "principals": [{"type": "*", "identifiers": ["*"]}],
            "conditions": [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}],
        }])
        pulumi.export("account", identity.account_id)
        pulumi.export("region", region.name)
        pulumi.export("document", document.json)
    """
    graph = run_program(write_program(tmp_path / "p", "invokes", main, "config:\n  aws:region: ca-central-1\n"), "test")
    assert graph.outputs["account"] == ACCOUNT_ID
    assert graph.outputs["region"] == "ca-central-1"
    assert json.loads(graph.outputs["document"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Action": "s3:*",
                "Resource": "*",
                "Principal": "*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }


def test_a_provider_that_assumes_a_role_answers_for_that_account(tmp_path):
    main = """\
        import pulumi
        import pulumi_aws as aws

        audit = aws.Provider(
            "audit",
            region="eu-west-2",
            assume_roles=[aws.ProviderAssumeRoleArgs(
                role_arn="arn:aws:iam::444455556666:role/evidence-store-deployer",
                external_id="tf-evidence",
                session_name="evidence",
            )],
        )
        through = pulumi.InvokeOptions(provider=audit)
        key = aws.kms.Key("audit-key", opts=pulumi.ResourceOptions(provider=audit))
        workload = aws.kms.Key("workload-key")
        pulumi.export("audit_account", aws.get_caller_identity(opts=through).account_id)
        pulumi.export("workload_account", aws.get_caller_identity().account_id)
        pulumi.export("audit_key", key.arn)
        pulumi.export("workload_key", workload.arn)
    """
    graph = run_program(write_program(tmp_path / "p", "assume", main, "config:\n  aws:region: eu-west-2\n"), "test")
    assert graph.outputs["audit_account"] == "444455556666"
    assert graph.outputs["workload_account"] == ACCOUNT_ID
    assert graph.outputs["audit_key"].startswith("arn:aws:kms:eu-west-2:444455556666:key/")
    assert graph.outputs["workload_key"].startswith(f"arn:aws:kms:eu-west-2:{ACCOUNT_ID}:key/")


def test_values_unknown_during_preview_stay_unknown(tmp_path):
    main = """\
        import pulumi
        import pulumi_aws as aws

        queue = aws.sqs.Queue("q")
        # `url` is computed by AWS: the mocks do not invent it, so it is unknown in a preview.
        aws.sqs.QueuePolicy("queue-policy", queue_url=queue.url, policy="{}")
    """
    graph = run_program(write_program(tmp_path / "p", "unknowns", main, "config: {}\n"), "test")
    policy = graph.get("urn:pulumi:test::unknowns::aws:sqs/queuePolicy:QueuePolicy::queue-policy")
    assert policy.inputs["queueUrl"] == UNKNOWN
    assert policy.inputs["policy"] == "{}"


def test_runs_do_not_leak_into_each_other(tmp_path):
    helper_a = "NAME = 'from-a'\n"
    helper_b = "NAME = 'from-b'\n"
    main = """\
        import pulumi
        import helpers
        config = pulumi.Config()
        pulumi.export("helper", helpers.NAME)
        pulumi.export("only_a", config.get("onlyA"))
    """
    first = write_program(
        tmp_path / "a", "prog-a", main, "config:\n  prog-a:onlyA: set\n", files={"helpers.py": helper_a}
    )
    second = write_program(tmp_path / "b", "prog-b", main, "config: {}\n", files={"helpers.py": helper_b})
    graph_a = run_program(first, "test")
    graph_b = run_program(second, "test")
    again_a = run_program(first, "test")
    assert graph_a.outputs == {"helper": "from-a", "only_a": "set"}
    assert graph_b.outputs == {"helper": "from-b"}
    assert again_a.to_json() == graph_a.to_json()


def test_program_error_names_the_resource(tmp_path):
    main = """\
        import pulumi

        class Vault(pulumi.ComponentResource):
            def __init__(self, name, window, opts=None):
                if window < 7:
                    raise ValueError(f"deletion_window_in_days: {window} is out of range; allowed: 7..30")
                super().__init__("acme:index:Vault", name, None, opts)

        Vault("records-vault", 3)
    """
    program = write_program(tmp_path / "p", "broken", main, "config: {}\n")
    with pytest.raises(ProgramError) as error:
        run_program(program, "test")
    assert str(error.value) == (
        "broken (test): ValueError while declaring Vault 'records-vault': "
        "deletion_window_in_days: 3 is out of range; allowed: 7..30 (__main__.py:6)"
    )


def test_missing_config_names_the_key(tmp_path):
    main = "import pulumi\npulumi.Config().require('bucketName')\n"
    program = write_program(tmp_path / "p", "needs-config", main, "config: {}\n")
    with pytest.raises(ProgramError) as error:
        run_program(program, "test")
    assert str(error.value) == "needs-config (test): missing required config key 'needs-config:bucketName'"


def test_duplicate_urns_are_refused(tmp_path):
    main = "import pulumi_aws as aws\naws.sqs.Queue('same')\naws.sqs.Queue('same')\n"
    program = write_program(tmp_path / "p", "dupes", main, "config: {}\n")
    with pytest.raises(ProgramError) as error:
        run_program(program, "test")
    assert "duplicate resource URN urn:pulumi:test::dupes::aws:sqs/queue:Queue::same" in str(error.value)


@pytest.mark.parametrize(
    ("project_file", "message"),
    [
        ("runtime: python\n", "Pulumi.yaml: name: required, a non-empty string"),
        ("name: x\nruntime: nodejs\n", "Pulumi.yaml: runtime: 'nodejs' is not supported; allowed: python"),
        ("name: x\nruntime: python\nmain: nowhere/\n", "Pulumi.yaml: main: program entry"),
    ],
)
def test_bad_project_files(tmp_path, project_file, message):
    (tmp_path / "Pulumi.yaml").write_text(project_file, encoding="utf-8")
    (tmp_path / "Pulumi.test.yaml").write_text("config: {}\n", encoding="utf-8")
    (tmp_path / "__main__.py").write_text("", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        run_program(tmp_path, "test")
    assert message in str(error.value)


def test_a_directory_without_a_project_is_bad_input(tmp_path):
    with pytest.raises(ConfigError) as error:
        run_program(tmp_path, "test")
    assert str(error.value) == f"{tmp_path}: no Pulumi.yaml; a Pulumi program directory needs one"


def test_a_resource_region_overrides_its_provider(tmp_path):
    main = """\
        import pulumi_aws as aws
        aws.sqs.Queue("moved", region="eu-west-1")
        aws.sqs.Queue("stays")
    """
    graph = run_program(
        write_program(tmp_path / "p", "per-resource", main, "config:\n  aws:region: eu-west-2\n"), "test"
    )
    regions = {r.name: r.region for r in graph}
    assert regions == {"moved": "eu-west-1", "stays": "eu-west-2"}
    assert graph.get("urn:pulumi:test::per-resource::aws:sqs/queue:Queue::moved").id.startswith("moved-")
