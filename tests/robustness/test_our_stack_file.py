"""Malformed values in a copy of this repository's dev stack file: typed settings (`stacks/settings.py`) refuse
each with one line naming `Pulumi.dev.yaml` and the key, before any resource is declared."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.robustness.conftest import DEV_STACK_FILE, assert_bad_input, run_cli

CELL = "    - jurisdiction: UK\n"


def with_cell(extra: str) -> str:
    """The dev stack file with the UK cell carrying `extra` (YAML keys at the cell's indentation)."""
    return DEV_STACK_FILE.replace(CELL, CELL + "".join(f"      {line}\n" for line in extra.splitlines()))


def replaced(old: str, new: str) -> str:
    assert old in DEV_STACK_FILE
    return DEV_STACK_FILE.replace(old, new)


def added(text: str) -> str:
    return DEV_STACK_FILE + text


# (case id, the stack file, what the line must name besides Pulumi.dev.yaml)
CASES: list[tuple[str, str | bytes, tuple[str, ...]]] = [
    ("namespace-misspelled", added("  trust-fabirc:owner: platform\n"), ("trust-fabirc:owner", "did you mean")),
    ("key-misspelled", added("  trust-fabric:owners: platform\n"), ("trust-fabric:owners", "did you mean 'owner'")),
    ("top-level-configs", replaced("config:", "configs:"), ("configs", "did you mean 'config'")),
    ("cell-key-misspelled", with_cell("kubeContxt: x"), ("trust-fabric:cells[0].kubeContxt", "did you mean")),
    ("cell-key-unknown", with_cell("color: blue"), ("trust-fabric:cells[0].color", "unknown key; allowed")),
    ("vault-key-misspelled", replaced("    address:", "    adress:"), ("trust-fabric:vault.adress", "did you mean")),
    ("owner-a-mapping", added("  trust-fabric:owner: {team: platform}\n"), ("trust-fabric:owner", "tag and label")),
    ("owner-a-list", added("  trust-fabric:owner: [platform]\n"), ("trust-fabric:owner",)),
    ("owner-10000-characters", added("  trust-fabric:owner: " + "a" * 10_000 + "\n"), ("trust-fabric:owner", "...")),
    ("owner-64-characters", added("  trust-fabric:owner: " + "a" * 64 + "\n"), ("trust-fabric:owner", "1-63")),
    ("owner-with-spaces", added("  trust-fabric:owner: platform team\n"), ("trust-fabric:owner",)),
    ("owner-with-slash", added("  trust-fabric:owner: platform/sre\n"), ("trust-fabric:owner",)),
    ("owner-non-ascii", added("  trust-fabric:owner: équipe\n"), ("trust-fabric:owner",)),
    ("owner-newline", added('  trust-fabric:owner: "plat\\nform"\n'), ("trust-fabric:owner",)),
    ("owner-empty", added('  trust-fabric:owner: ""\n'), ("trust-fabric:owner", "must not be empty")),
    ("owner-ends-with-dash", added("  trust-fabric:owner: platform-\n"), ("trust-fabric:owner",)),
    ("kube-context-empty", with_cell('kubeContext: ""'), ("trust-fabric:cells[0].kubeContext", "kubeconfig context")),
    ("kube-context-blank", with_cell('kubeContext: "  "'), ("trust-fabric:cells[0].kubeContext",)),
    ("kube-context-space", with_cell("kubeContext: my context"), ("trust-fabric:cells[0].kubeContext",)),
    ("kube-context-mapping", with_cell("kubeContext: {a: 1}"), ("trust-fabric:cells[0].kubeContext",)),
    ("eks-cluster-invalid", with_cell('eksCluster: "bad name!"'), ("trust-fabric:cells[0].eksCluster", "EKS cluster")),
    ("eks-cluster-101", with_cell("eksCluster: " + "c" * 101), ("trust-fabric:cells[0].eksCluster", "1-100")),
    ("eks-cluster-leading-dash", with_cell("eksCluster: -cluster"), ("trust-fabric:cells[0].eksCluster",)),
    ("eks-cluster-empty", with_cell('eksCluster: ""'), ("trust-fabric:cells[0].eksCluster",)),
    ("region-outside", replaced("aws:region: eu-west-2", "aws:region: us-east-1"), ("aws:region", "outside")),
    ("region-eu-for-uk", replaced("aws:region: eu-west-2", "aws:region: eu-central-1"), ("aws:region", "(UK)")),
    ("region-not-a-region", replaced("aws:region: eu-west-2", "aws:region: london"), ("aws:region", "AWS region")),
    ("region-upper-case", replaced("aws:region: eu-west-2", "aws:region: EU-WEST-2"), ("aws:region",)),
    ("cell-region-outside", with_cell("region: us-east-1"), ("trust-fabric:cells[0].region", "outside UK")),
    ("cell-region-a-list", with_cell("region: [eu-west-2]"), ("trust-fabric:cells[0].region", "expected a string")),
    ("jurisdiction-unknown", replaced("jurisdiction: UK", "jurisdiction: FR"), ("cells[0].jurisdiction", "FR")),
    ("jurisdiction-lower-case", replaced("jurisdiction: UK", "jurisdiction: uk"), ("cells[0].jurisdiction",)),
    ("jurisdiction-twice", replaced(CELL, CELL + CELL), ("trust-fabric:cells[1].jurisdiction", "twice")),
    ("cells-a-mapping", replaced(CELL, "    UK: {}\n"), ("trust-fabric:cells", "list of cells")),
    ("cells-empty", replaced("  trust-fabric:cells:\n" + CELL, "  trust-fabric:cells: []\n"), ("trust-fabric:cells",)),
    ("cell-a-string", replaced(CELL, "    - UK\n"), ("trust-fabric:cells[0]", "expected an object")),
    ("role-a-date", replaced("role: primary", "role: 2026-01-01"), ("trust-fabric:role", "'2026-01-01'")),
    ("role-unknown", replaced("role: primary", "role: leader"), ("trust-fabric:role", "allowed: primary")),
    ("role-a-list", replaced("role: primary", "role: [primary]"), ("trust-fabric:role",)),
    ("size-unknown", replaced("size: small", "size: tiny"), ("trust-fabric:size", "small, medium, large")),
    ("classification", added("  trust-fabric:dataClassification: secret-ish\n"), ("trust-fabric:dataClassification",)),
    (
        "vault-address-a-date",
        replaced("address: https://vault.dev.trustfabric.internal:8200", "address: 2026-01-01"),
        ("trust-fabric:vault.address",),
    ),
    ("vault-address-http", replaced("https://vault.dev", "http://vault.dev"), ("trust-fabric:vault.address", "https")),
    (
        "vault-namespace-invalid",
        replaced(":8200\n", ":8200\n    namespace: admin team\n"),
        ("trust-fabric:vault.namespace",),
    ),
    (
        "vault-a-string",
        replaced("  trust-fabric:vault:\n    address", "  trust-fabric:vault: x\n    x"),
        ("YAML syntax error",),
    ),
    (
        "vault-missing",
        replaced("  trust-fabric:vault:\n    address: https://vault.dev.trustfabric.internal:8200\n", ""),
        ("trust-fabric:vault", "missing"),
    ),
    (
        "deletion-window-huge",
        replaced("kmsDeletionWindowDays: 7", "kmsDeletionWindowDays: 99999999999999999999"),
        ("trust-fabric:kmsDeletionWindowDays", "out of range"),
    ),
    (
        "deletion-window-5000-digits",
        replaced("kmsDeletionWindowDays: 7", "kmsDeletionWindowDays: " + "9" * 5000),
        ("trust-fabric:kmsDeletionWindowDays", "digits"),
    ),
    (
        "deletion-window-a-float",
        replaced("kmsDeletionWindowDays: 7", "kmsDeletionWindowDays: 7.5"),
        ("trust-fabric:kmsDeletionWindowDays",),
    ),
    (
        "deletion-window-a-boolean",
        replaced("kmsDeletionWindowDays: 7", "kmsDeletionWindowDays: true"),
        ("trust-fabric:kmsDeletionWindowDays",),
    ),
    (
        "retention-words",
        added("  trust-fabric:observability: {logRetentionDays: forever}\n"),
        ("trust-fabric:observability.logRetentionDays",),
    ),
    (
        "observability-key-misspelled",
        added("  trust-fabric:observability: {grafanaURL: https://g}\n"),
        ("trust-fabric:observability.grafanaURL", "did you mean"),
    ),
    (
        "datadog-site-unknown",
        added("  trust-fabric:observability: {datadogSite: datadoghq.fr}\n"),
        ("trust-fabric:observability.datadogSite",),
    ),
    (
        "sso-instance-arn",
        added("  trust-fabric:sso: {instanceArn: arn:aws:sso:::instance/x}\n"),
        ("trust-fabric:sso.instanceArn",),
    ),
    ("sso-discovery-not-url", added("  trust-fabric:sso: {discoveryUrl: sso}\n"), ("trust-fabric:sso.discoveryUrl",)),
    ("duplicate-cells", added("  trust-fabric:cells: [{jurisdiction: EU}]\n"), ("trust-fabric:cells", "duplicate key")),
    ("duplicate-role", added("  trust-fabric:role: primary\n"), ("trust-fabric:role", "duplicate key")),
    ("non-utf8", DEV_STACK_FILE.encode() + b"  trust-fabric:owner: \xc3\x28\n", ("not UTF-8",)),
]


@pytest.mark.parametrize(("stack_file", "names"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_a_bad_value_in_our_stack_file_is_one_line(ours: Callable[[str | bytes], Path], stack_file, names):
    program = ours(stack_file)
    assert_bad_input(run_cli(["preview", "--stack", "dev", "--program", program]), "Pulumi.dev.yaml", *names)


def test_a_bad_cell_setting_is_refused_by_check_and_golden_alike(ours: Callable[[str | bytes], Path]):
    program = ours(with_cell('eksCluster: "bad name!"'))
    assert_bad_input(
        run_cli(["check", "--stack", "dev", "--program", program, "--format", "sarif"]),
        "Pulumi.dev.yaml",
        "trust-fabric:cells[0].eksCluster",
    )
