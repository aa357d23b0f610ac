"""Typed stack settings: every class of bad config fails with exit code 2 and one exact line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from stacks.settings import SettingsError, parse_settings
from trustfabric.cli import main

REPO_ROOT = Path(__file__).resolve().parents[2]

GOOD = """\
config:
  aws:region: eu-west-2
  trust-fabric:role: primary
  trust-fabric:cells:
    - jurisdiction: UK
  trust-fabric:vault:
    address: https://vault.example.internal:8200
  trust-fabric:oncall:
    pagerdutySubdomain: trustfabric
  trust-fabric:audit:
    accountId: "444455556666"
    roleName: evidence-store-deployer
    externalId: trustfabric-prod-evidence
"""


def program_with(tmp_path: Path, stack_file: str, stack: str = "prod") -> Path:
    """A program dir that runs this repository's stacks/ with the given stack file."""
    (tmp_path / "Pulumi.yaml").write_text(
        f"name: trust-fabric\nruntime: python\nmain: {REPO_ROOT / 'stacks'}\n", encoding="utf-8"
    )
    (tmp_path / f"Pulumi.{stack}.yaml").write_text(stack_file, encoding="utf-8")
    return tmp_path


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    captured = capsys.readouterr()
    return int(exit_info.value.code or 0), captured.out, captured.err


def preview_error(tmp_path: Path, capsys, stack_file: str, stack: str = "prod") -> str:
    program = program_with(tmp_path, stack_file, stack)
    code, out, err = run_cli(capsys, "preview", "--stack", stack, "--program", str(program))
    assert code == 2, (out, err)
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return err.rstrip("\n")


def test_good_config_previews(tmp_path, capsys):
    program = program_with(tmp_path, GOOD)
    code, out, err = run_cli(capsys, "preview", "--stack", "prod", "--program", str(program), "--format", "json")
    assert code == 0, err
    assert '"eu-west-2"' in out


def test_yaml_syntax_error(tmp_path, capsys):
    bad = GOOD.replace("  trust-fabric:role: primary\n", "  trust-fabric:role: [primary\n")
    message = preview_error(tmp_path, capsys, bad)
    assert message == (
        f"error: {tmp_path / 'Pulumi.prod.yaml'}:4:21: YAML syntax error: expected ',' or ']', but got ':'"
    )


def test_unknown_key_suggests_the_closest(tmp_path, capsys):
    bad = GOOD + "  trust-fabric:rol: standby\n"
    assert preview_error(tmp_path, capsys, bad) == (
        "error: Pulumi.prod.yaml: trust-fabric:rol: unknown key; did you mean 'role'? allowed: role, cells, vault, "
        "size, owner, dataClassification, observability, kmsDeletionWindowDays, sso, ssoVaultClientSecret, identity, "
        "models, delivery, gameDays, tenants, datasets, oncall, pagerdutyApiToken, audit, loadTest"
    )


def test_unknown_nested_key_suggests_the_closest(tmp_path, capsys):
    bad = GOOD.replace("    - jurisdiction: UK\n", "    - jurisdiction: UK\n      regoin: eu-west-2\n")
    assert preview_error(tmp_path, capsys, bad) == (
        "error: Pulumi.prod.yaml: trust-fabric:cells[0].regoin: unknown key; did you mean 'region'? "
        "allowed: jurisdiction, region, size, dataClassification, kubeContext, eksCluster"
    )


def test_unknown_jurisdiction(tmp_path, capsys):
    bad = GOOD.replace("jurisdiction: UK", "jurisdiction: FR")
    assert preview_error(tmp_path, capsys, bad) == (
        "error: Pulumi.prod.yaml: trust-fabric:cells[0].jurisdiction: unknown jurisdiction 'FR'; "
        "allowed: UK, EU, US, CA"
    )


def test_region_outside_the_jurisdiction(tmp_path, capsys):
    bad = GOOD.replace("    - jurisdiction: UK\n", "    - jurisdiction: UK\n      region: us-east-1\n")
    assert preview_error(tmp_path, capsys, bad) == (
        "error: Pulumi.prod.yaml: trust-fabric:cells[0].region: 'us-east-1' is outside UK's allowed regions; "
        "allowed: eu-west-2, eu-west-1"
    )


def test_wrong_type(tmp_path, capsys):
    bad = GOOD.replace("  trust-fabric:cells:\n    - jurisdiction: UK\n", "  trust-fabric:cells: UK\n")
    assert preview_error(tmp_path, capsys, bad) == (
        "error: Pulumi.prod.yaml: trust-fabric:cells: expected a non-empty list of cells, got a string ('UK')"
    )


def test_wrong_type_for_an_integer(tmp_path, capsys):
    bad = GOOD + "  trust-fabric:kmsDeletionWindowDays: soon\n"
    assert preview_error(tmp_path, capsys, bad) == (
        "error: Pulumi.prod.yaml: trust-fabric:kmsDeletionWindowDays: expected an integer, got 'soon'"
    )


def test_missing_required_key(tmp_path, capsys):
    bad = GOOD.replace("  trust-fabric:vault:\n    address: https://vault.example.internal:8200\n", "")
    assert preview_error(tmp_path, capsys, bad) == (
        "error: Pulumi.prod.yaml: trust-fabric:vault: missing required key (an object with address: an https URL)"
    )


def test_missing_stack_file(tmp_path, capsys):
    program = program_with(tmp_path, GOOD)
    code, _, err = run_cli(capsys, "preview", "--stack", "qa", "--program", str(program))
    assert code == 2
    assert err == f"error: {tmp_path / 'Pulumi.qa.yaml'}: no such stack file for stack 'qa'; stacks here: prod\n"


def test_bad_config_from_the_installed_command_has_no_traceback(tmp_path):
    program = program_with(tmp_path, GOOD.replace("jurisdiction: UK", "jurisdiction: XX"))
    result = subprocess.run(
        [str(Path(sys.executable).parent / "trustfabric"), "preview", "--stack", "prod", "--program", str(program)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: Pulumi.prod.yaml: trust-fabric:cells[0].jurisdiction: unknown jurisdiction 'XX'; "
        "allowed: UK, EU, US, CA"
    ]


# parse_settings directly: rules that need no program run.

BASE = {
    "trust-fabric:role": "standby",
    "trust-fabric:cells": '[{"jurisdiction": "US"}, {"jurisdiction": "CA", "size": "small"}]',
    "trust-fabric:vault": '{"address": "https://vault.example.internal"}',
}


def parse(values: dict[str, str], stack: str = "dr"):
    return parse_settings(values, project="trust-fabric", stack=stack, source=f"Pulumi.{stack}.yaml")


def test_standby_cells_default_to_the_standby_regions():
    settings = parse(BASE)
    assert [(c.code, c.region, c.paired_region, c.size) for c in settings.cells] == [
        ("US", "us-west-2", "us-east-1", "medium"),
        ("CA", "ca-west-1", "ca-central-1", "small"),
    ]
    assert settings.is_standby_footprint and not settings.is_active
    assert settings.kms_deletion_window_days == 30


def test_prod_must_be_primary():
    with pytest.raises(SettingsError) as error:
        parse({**BASE, "trust-fabric:role": "active"}, stack="prod")
    assert (
        str(error.value)
        == "Pulumi.prod.yaml: trust-fabric:role: 'active' is not allowed for stack prod; allowed: primary"
    )


def test_dr_cannot_be_primary():
    with pytest.raises(SettingsError) as error:
        parse({**BASE, "trust-fabric:role": "primary"})
    assert (
        str(error.value)
        == "Pulumi.dr.yaml: trust-fabric:role: 'primary' is not allowed for stack dr; allowed: standby, active"
    )


def test_a_jurisdiction_is_one_cell():
    with pytest.raises(SettingsError) as error:
        parse({**BASE, "trust-fabric:cells": '[{"jurisdiction": "US"}, {"jurisdiction": "US"}]'})
    assert (
        str(error.value)
        == "Pulumi.dr.yaml: trust-fabric:cells[1].jurisdiction: US is listed twice; each jurisdiction is one cell"
    )


def test_allowed_but_unpaired_region_is_refused():
    with pytest.raises(SettingsError) as error:
        parse({**BASE, "trust-fabric:cells": '[{"jurisdiction": "EU", "region": "eu-north-1"}]'})
    assert str(error.value) == (
        "Pulumi.dr.yaml: trust-fabric:cells[0].region: 'eu-north-1' is allowed for EU data but is not one of its "
        "paired regions; allowed: eu-central-1, eu-west-1"
    )


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("kmsDeletionWindowDays", "6", "trust-fabric:kmsDeletionWindowDays: 6 is out of range; allowed: 7..30"),
        ("size", "huge", "trust-fabric:size: 'huge' is not allowed; allowed: small, medium, large"),
        (
            "vault",
            '{"address": "http://vault"}',
            "trust-fabric:vault.address: 'http://vault' is not a URL; allowed: a https URL",
        ),
        (
            "observability",
            '{"logRetentionDays": 30}',
            "trust-fabric:observability.logRetentionDays: 30 is out of range; allowed: 365..3653",
        ),
        (
            "dataClassification",
            "secret",
            "trust-fabric:dataClassification: 'secret' is not allowed; allowed: public, internal, confidential, restricted",
        ),
    ],
)
def test_values_outside_what_is_allowed(key, value, message):
    with pytest.raises(SettingsError) as error:
        parse({**BASE, f"trust-fabric:{key}": value})
    assert str(error.value) == f"Pulumi.dr.yaml: {message}"


def test_other_namespaces_are_not_ours_to_judge():
    settings = parse({**BASE, "aws:region": "us-west-2", "kubernetes:context": "dr"})
    assert settings.role == "standby"


def test_the_identity_center_instance_moved_to_identity():
    with pytest.raises(SettingsError) as error:
        parse({**BASE, "trust-fabric:sso": '{"instanceArn": "arn:aws:sso:::instance/ssoins-0123456789abcdef"}'})
    assert str(error.value) == (
        "Pulumi.dr.yaml: trust-fabric:sso.instanceArn: moved; set identity.instanceArn (stacks/settings_identity.py)"
    )


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "owner",
            '{"team": "platform"}',
            'trust-fabric:owner: \'{"team": "platform"}\' is not a tag and label value; allowed: 1-63 letters, '
            "digits, '-', '_' or '.', starting and ending with a letter or digit",
        ),
        (
            "owner",
            "a" * 10_000,
            f"trust-fabric:owner: '{'a' * 55}...' is not a tag and label value; allowed: 1-63 letters, digits, "
            "'-', '_' or '.', starting and ending with a letter or digit",
        ),
        ("owner", "platform\n", "trust-fabric:owner: 'platform\\n' is not a tag and label value; allowed: 1-63"),
        (
            "cells",
            '[{"jurisdiction": "US", "kubeContext": ""}]',
            "trust-fabric:cells[0].kubeContext: '' is not a kubeconfig context name; allowed: 1-253 printable "
            "characters without spaces",
        ),
        (
            "cells",
            '[{"jurisdiction": "US", "eksCluster": "bad name!"}]',
            "trust-fabric:cells[0].eksCluster: 'bad name!' is not an EKS cluster name; allowed: 1-100 letters, "
            "digits, '-' or '_', starting with a letter or digit",
        ),
        (
            "vault",
            '{"address": "https://vault.example.internal", "namespace": "admin team"}',
            "trust-fabric:vault.namespace: 'admin team' is not a Vault namespace; allowed: letters, digits, '-' or "
            "'_', nested with '/' (admin/team-a)",
        ),
        (
            "colour",
            "blue",
            "trust-fabric:colour: unknown key; allowed: role, cells, vault, size, owner, dataClassification, "
            "observability, kmsDeletionWindowDays, sso, ssoVaultClientSecret, identity, models, delivery, gameDays, "
            "tenants, datasets, oncall, pagerdutyApiToken, audit, loadTest",
        ),
    ],
    ids=["owner-mapping", "owner-10000", "owner-newline", "kube-context-empty", "eks-cluster", "vault-ns", "unknown"],
)
def test_values_the_tag_contract_and_the_components_refuse(key, value, message):
    with pytest.raises(SettingsError) as error:
        parse({**BASE, f"trust-fabric:{key}": value})
    assert str(error.value).startswith(f"Pulumi.dr.yaml: {message}")


def test_the_eks_cluster_rule_is_the_components():
    from components.observability.pod_identity import CLUSTER_NAME
    from stacks import settings

    assert settings.CLUSTER_NAME is CLUSTER_NAME


@pytest.mark.parametrize(
    ("region", "message"),
    [
        ("eu-west-2", "'eu-west-2' is outside the stack's jurisdictions (US, CA); allowed: us-east-1, us-east-2, "),
        ("london", "'london' is not an AWS region; allowed: us-east-1, us-east-2, us-west-2, ca-central-1, ca-west-1"),
    ],
)
def test_the_default_region_lies_in_the_stacks_jurisdictions(region, message):
    with pytest.raises(SettingsError) as error:
        parse({**BASE, "aws:region": region})
    assert str(error.value).startswith(f"Pulumi.dr.yaml: aws:region: {message}")


def test_the_vault_client_secret_must_be_a_secret():
    values = {**BASE, "trust-fabric:ssoVaultClientSecret": "placeholder"}
    with pytest.raises(SettingsError) as error:
        parse_settings(values, project="trust-fabric", stack="dr", source="Pulumi.dr.yaml", secret_keys=frozenset())
    assert str(error.value) == (
        "Pulumi.dr.yaml: trust-fabric:ssoVaultClientSecret: must be a secret; store it encrypted: "
        "pulumi config set --secret trust-fabric:ssoVaultClientSecret"
    )
    secret = frozenset({"trust-fabric:ssoVaultClientSecret"})
    assert parse_settings(values, project="trust-fabric", stack="dr", source="Pulumi.dr.yaml", secret_keys=secret)
