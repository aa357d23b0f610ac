"""Malformed project files (`Pulumi.yaml`), policy configs and control catalogs: one line naming the file and
the key, before any program runs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.robustness.conftest import PROJECT_FILE, REPO_ROOT, STACK, assert_bad_input, run_cli

KMS_POLICY = "aws-kms-key-rotation-enabled"

PROJECT_CASES: list[tuple[str, str | bytes, tuple[str, ...]]] = [
    ("non-utf8", b"name: f\xe9\nruntime: python\n", ("not UTF-8", "line 1")),
    ("duplicate-name", "name: foreign\nname: other\nruntime: python\n", ("name", "duplicate key")),
    ("duplicate-runtime", PROJECT_FILE + "runtime: nodejs\n", ("runtime", "duplicate key")),
    ("key-misspelled", PROJECT_FILE + "mian: app.py\n", ("mian", "did you mean 'main'")),
    ("runtime-misspelled", "name: foreign\nruntme: python\n", ("runtme", "did you mean 'runtime'")),
    ("runtime-unsupported", "name: foreign\nruntime: nodejs\n", ("runtime", "'nodejs' is not supported")),
    ("name-missing", "runtime: python\n", ("name: required",)),
    ("name-a-list", "name: [a]\nruntime: python\n", ("name: required",)),
    ("main-a-number", PROJECT_FILE + "main: 3\n", ("main", "expected a path string")),
    ("main-missing-file", PROJECT_FILE + "main: nowhere.py\n", ("main", "does not exist")),
    ("config-a-list", PROJECT_FILE + "config: [a]\n", ("config", "mapping")),
    ("config-namespace-misspelled", PROJECT_FILE + "config:\n  foriegn:size: 1\n", ("foriegn:size", "did you mean")),
    ("deep-nesting", PROJECT_FILE + "description: " + "[" * 300 + "]" * 300 + "\n", ("description", "nested deeper")),
    ("file-is-a-list", "- name\n", ("expected a mapping",)),
    ("syntax-error", "name: [foreign\n", ("YAML syntax error",)),
]


@pytest.mark.parametrize(("text", "names"), [c[1:] for c in PROJECT_CASES], ids=[c[0] for c in PROJECT_CASES])
def test_a_malformed_project_file_is_one_line(foreign: Callable[..., Path], text: str | bytes, names: tuple[str, ...]):
    program = foreign(project_file=text)
    assert_bad_input(run_cli(["preview", "--stack", STACK, "--program", program]), "Pulumi.yaml", *names)


POLICY_CONFIG_CASES: list[tuple[str, str, str | bytes, tuple[str, ...]]] = [
    ("yaml-non-utf8", "policy.yaml", f"{KMS_POLICY}: advis\xf6ry\n".encode("latin-1"), ("not UTF-8",)),
    (
        "yaml-duplicate-policy",
        "policy.yaml",
        f"{KMS_POLICY}: advisory\n{KMS_POLICY}: disabled\n",
        (KMS_POLICY, "duplicate key"),
    ),
    (
        "yaml-duplicate-property",
        "policy.yaml",
        "aws-cloudwatch-log-group-retention:\n  minimumDays: 400\n  minimumDays: 30\n",
        ("aws-cloudwatch-log-group-retention.minimumDays", "duplicate key"),
    ),
    (
        "yaml-deep-nesting",
        "policy.yaml",
        f"{KMS_POLICY}: " + "[" * 200 + "]" * 200 + "\n",
        (KMS_POLICY, "nested deeper"),
    ),
    (
        "yaml-integer-5000-digits",
        "policy.yaml",
        f"{KMS_POLICY}:\n  x: {'1' * 5000}\n",
        (f"{KMS_POLICY}.x", "5000 digits"),
    ),
    (
        "yaml-impossible-date",
        "policy.yaml",
        f"{KMS_POLICY}:\n  since: 2026-13-01\n",
        (f"{KMS_POLICY}.since", "not a valid date"),
    ),
    ("policy-misspelled", "policy.yaml", "aws-kms-key-rotation-enable: advisory\n", ("did you mean",)),
    ("level-misspelled", "policy.yaml", f"{KMS_POLICY}: advisroy\n", (f"{KMS_POLICY}.enforcementLevel", "allowed")),
    (
        "property-unknown",
        "policy.yaml",
        f"{KMS_POLICY}:\n  strictness: high\n",
        (f"{KMS_POLICY}.strictness", "unknown"),
    ),
    (
        "json-duplicate-policy",
        "policy.json",
        f'{{"{KMS_POLICY}": "advisory", "{KMS_POLICY}": "disabled"}}',
        (KMS_POLICY, "duplicate key"),
    ),
    ("json-nan", "policy.json", f'{{"{KMS_POLICY}": {{"x": NaN}}}}', ("NaN is not a JSON number",)),
    ("json-integer-5000-digits", "policy.json", f'{{"{KMS_POLICY}": {{"x": {"1" * 5000}}}}}', ("5000 digits",)),
    ("json-deep-nesting", "policy.json", "[" * 100_000 + "]" * 100_000, ("nested too deeply",)),
    ("json-syntax", "policy.json", "{", ("not valid JSON",)),
    ("json-non-utf8", "policy.json", b'{"a": "\xff"}', ("not UTF-8",)),
    ("a-list", "policy.yaml", f"- {KMS_POLICY}\n", ("expected a mapping",)),
]


@pytest.mark.parametrize(
    ("name", "text", "names"), [c[1:] for c in POLICY_CONFIG_CASES], ids=[c[0] for c in POLICY_CONFIG_CASES]
)
def test_a_malformed_policy_config_is_one_line(
    foreign: Callable[..., Path], tmp_path: Path, name: str, text: str | bytes, names: tuple[str, ...]
):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    outcome = run_cli(["check", "--stack", STACK, "--program", foreign(), "--policy-config", path])
    assert_bad_input(outcome, name, *names)


CATALOG = (REPO_ROOT / "compliance" / "controls.yaml").read_text(encoding="utf-8")
CATALOG_CASES: list[tuple[str, str | bytes, tuple[str, ...]]] = [
    ("non-utf8", CATALOG.encode().replace(b"version: 1", b"version: \xff1", 1), ("not UTF-8",)),
    ("duplicate-framework", CATALOG + "frameworks: {}\n", ("frameworks", "duplicate key")),
    ("deep-nesting", "controls: " + "[" * 200 + "]" * 200 + "\n", ("controls", "nested deeper")),
    (
        "alias-bomb",
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(6)),
        ("expands to more than",),
    ),
    ("not-a-mapping", "- controls\n", ("expected a mapping with 'controls'",)),
]


@pytest.mark.parametrize(("text", "names"), [c[1:] for c in CATALOG_CASES], ids=[c[0] for c in CATALOG_CASES])
def test_a_malformed_control_catalog_is_one_line(tmp_path: Path, text: str | bytes, names: tuple[str, ...]):
    path = tmp_path / "controls.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    assert_bad_input(run_cli(["controls", "--catalog", path]), "controls.yaml", *names)
