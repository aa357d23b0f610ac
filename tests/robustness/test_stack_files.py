"""Malformed stack files (`Pulumi.<stack>.yaml`) of a foreign program: each one line naming the file and key."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.robustness.conftest import STACK, STACK_FILE, assert_bad_input, run_cli

FILE = f"Pulumi.{STACK}.yaml"
DEEP_LIST = "[" * 150 + "]" * 150
DEEP_MAP = "".join(f"{'  ' * (depth + 2)}k{depth}:\n" for depth in range(150)) + "  " * 152 + "leaf\n"
BOMB = "".join(
    f"  foreign:l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * 10) if level else ', '.join(['lol'] * 10)}]\n"
    for level in range(7)
)

# (case id, the stack file, what the one line must name)
CASES: list[tuple[str, str | bytes, tuple[str, ...]]] = [
    ("non-utf8-byte", b"config:\n  aws:region: eu-west-2\n  foreign:owner: caf\xe9\n", ("not UTF-8", "line 3")),
    ("utf16-file", "config:\n  foreign:owner: x\n".encode("utf-16"), ("not UTF-8", "line 1")),
    ("nul-byte", "config:\n  foreign:owner: a\x00b\n", ("YAML syntax error",)),
    ("control-character", "config:\n  foreign:owner: a\x07b\n", ("YAML syntax error",)),
    ("syntax-unclosed-flow", "config:\n  foreign:cells: [a, b\n", ("YAML syntax error",)),
    ("syntax-tab-indent", "config:\n\tforeign:owner: x\n", ("YAML syntax error",)),
    ("two-documents", "config: {}\n---\nconfig: {}\n", ("YAML syntax error",)),
    (
        "duplicate-config-block",
        "config:\n  aws:region: eu-west-2\nconfig:\n  foreign:owner: x\n",
        ("config", "duplicate key"),
    ),
    ("duplicate-config-key", STACK_FILE + "  foreign:owner: other\n", ("foreign:owner", "duplicate key", "line 3")),
    ("duplicate-nested-key", STACK_FILE + "  foreign:db: {host: a, host: b}\n", ("foreign:db.host", "duplicate key")),
    ("duplicate-in-list", STACK_FILE + "  foreign:cells:\n    - {code: UK, code: EU}\n", ("foreign:cells[0].code",)),
    ("duplicate-bool-spellings", STACK_FILE + "  foreign:flags: {yes: 1, true: 2}\n", ("foreign:flags.true",)),
    ("same-key-with-and-without-namespace", STACK_FILE + "  owner: other\n", ("foreign:owner", "twice")),
    ("deep-list", STACK_FILE + f"  foreign:deep: {DEEP_LIST}\n", ("foreign:deep", "nested deeper")),
    ("deep-mapping", STACK_FILE + "  foreign:deep:\n" + DEEP_MAP, ("foreign:deep.k0.k1", "nested deeper")),
    ("integer-5000-digits", STACK_FILE + "  foreign:size: " + "7" * 5000 + "\n", ("foreign:size", "5000 digits")),
    ("negative-integer-5000-digits", STACK_FILE + "  foreign:size: -" + "7" * 5000 + "\n", ("foreign:size",)),
    ("alias-bomb", STACK_FILE + BOMB, ("foreign:l", "expands to more than")),
    ("recursive-alias", STACK_FILE + "  foreign:loop: &loop [1, *loop]\n", ("foreign:loop", "alias")),
    ("unknown-alias", STACK_FILE + "  foreign:x: *nowhere\n", ("YAML syntax error",)),
    ("top-level-key-misspelled", STACK_FILE.replace("config:", "configs:"), ("configs", "did you mean 'config'")),
    ("top-level-key-unknown", STACK_FILE + "settings: {}\n", ("settings", "unknown key")),
    ("file-is-a-list", "- config\n", ("expected a mapping",)),
    ("file-is-a-string", "just text\n", ("expected a mapping",)),
    ("config-is-a-list", "config:\n  - foreign:owner\n", ("config:", "mapping")),
    ("value-is-null", STACK_FILE + "  foreign:empty:\n", ("foreign:empty", "has no value")),
    ("namespace-misspelled", STACK_FILE + "  foriegn:owner: x\n", ("foriegn:owner", "did you mean 'foreign:owner'")),
    (
        "provider-namespace-misspelled",
        STACK_FILE + "  awss:profile: x\n",
        ("awss:profile", "did you mean 'aws:profile'"),
    ),
    ("pulumi-namespace-misspelled", STACK_FILE + "  pulumii:tags: {}\n", ("pulumii:tags", "did you mean")),
    ("region-garbage", STACK_FILE.replace("eu-west-2", "garbage!!"), ("aws:region", "not an AWS region")),
    ("region-unknown", STACK_FILE.replace("eu-west-2", "mars-east-1"), ("aws:region", "not an AWS region")),
    ("region-a-list", STACK_FILE.replace("eu-west-2", "[eu-west-2]"), ("aws:region", "not an AWS region")),
    ("region-a-date", STACK_FILE.replace("eu-west-2", "2026-01-01"), ("aws:region", "not an AWS region")),
    ("region-padded", STACK_FILE.replace("eu-west-2", "' eu-west-2'"), ("aws:region", "not an AWS region")),
    ("region-10000-characters", STACK_FILE.replace("eu-west-2", "x" * 10_000), ("aws:region", "...")),
]


@pytest.mark.parametrize(("stack_file", "names"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_a_malformed_stack_file_is_one_line(
    foreign: Callable[..., Path], stack_file: str | bytes, names: tuple[str, ...]
):
    program = foreign(stack_file=stack_file)
    assert_bad_input(run_cli(["preview", "--stack", STACK, "--program", program]), FILE, *names)


def test_a_misspelled_namespace_is_refused_by_check_too(foreign: Callable[..., Path]):
    program = foreign(stack_file=STACK_FILE + "  foriegn:owner: x\n")
    assert_bad_input(run_cli(["check", "--stack", STACK, "--program", program]), FILE, "foriegn:owner")
