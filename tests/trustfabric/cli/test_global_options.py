"""Global options and what every command shares: --version, -q/-v, bare invocations, one `--format` error,
output paths checked before the run."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.trustfabric.helpers import CLEAN_PROGRAM, SEEDED_PROGRAM, STACK, write_isolated_config, write_program
from trustfabric.cli import common, main
from trustfabric.paths import REPO_ROOT


def run_cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main([str(arg) for arg in args])
    captured = capsys.readouterr()
    return int(exit_info.value.code or 0), captured.out, captured.err


@pytest.fixture(autouse=True)
def normal_verbosity():
    yield
    common.set_verbosity(common.Verbosity.normal)


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    version = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert run_cli(capsys, "--version") == (0, f"trustfabric {version}\n", "")


def test_bare_trustfabric_prints_help_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys)
    assert (code, err) == (0, "")
    assert out.startswith("Usage: trustfabric [OPTIONS] COMMAND [ARGS]...\n")
    for line in ("  --version ", "  -q, --quiet ", "  -v, --verbose ", "  check ", "  preview "):
        assert line in out
    assert "error:" not in out


@pytest.mark.parametrize("group", ["audit", "drill", "incident"])
def test_a_bare_group_prints_its_help_and_exits_0(capsys: pytest.CaptureFixture[str], group: str) -> None:
    code, out, err = run_cli(capsys, group)
    assert (code, err) == (0, "")
    assert out.startswith(f"Usage: trustfabric {group} [OPTIONS] COMMAND [ARGS]...\n")


@pytest.fixture
def seeded(tmp_path: Path) -> list[str | Path]:
    program = write_program(tmp_path, SEEDED_PROGRAM)
    return [
        "check",
        "--stack",
        STACK,
        "--program",
        program,
        "--policy-config",
        write_isolated_config(tmp_path / "p.yaml"),
    ]


def test_verbose_prints_each_progress_step(capsys: pytest.CaptureFixture[str], seeded: list[str | Path]) -> None:
    code, out, err = run_cli(capsys, "-v", *seeded, "--format", "json")
    assert code == 1 and out.startswith("{")
    program = seeded[4]
    assert err.splitlines() == [
        f"running {program} for stack {STACK} under the offline engine",
        f"evaluating {len(common.pack_policies())} policies against 2 resources",
    ]


def test_quiet_and_normal_print_no_progress_off_a_terminal(
    capsys: pytest.CaptureFixture[str], seeded: list[str | Path]
) -> None:
    assert run_cli(capsys, "-q", *seeded, "--format", "json")[2] == ""
    assert run_cli(capsys, *seeded, "--format", "json")[2] == ""


def test_quiet_and_verbose_together_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(capsys, "-q", "-v", "check", "--stack", STACK) == (
        2,
        "",
        "error: -q/--quiet and -v/--verbose: give one of them, not both\n",
    )


def test_information_and_progress_lines_follow_the_verbosity(capsys: pytest.CaptureFixture[str]) -> None:
    def emitted(level: common.Verbosity) -> str:
        common.set_verbosity(level)
        common.stderr("wrote reports/checkov/prod.json")
        common.verbose("evaluating 55 policies")
        with common.status("running the program") as progress:
            progress("bridging the plan")
        return capsys.readouterr().err

    assert emitted(common.Verbosity.quiet) == ""
    assert emitted(common.Verbosity.normal) == "wrote reports/checkov/prod.json\n"
    assert emitted(common.Verbosity.verbose) == (
        "wrote reports/checkov/prod.json\nevaluating 55 policies\nrunning the program\nbridging the plan\n"
    )


@pytest.mark.parametrize(
    ("args", "allowed"),
    [
        (["check", "--stack", STACK], "text, json, sarif"),
        (["audit", "security"], "text, json, sarif"),
        (["preview", "--stack", STACK], "text, json"),
        (["diff", "--stack", STACK], "text, json"),
        (["controls"], "text, json"),
        (["incident", "metrics"], "text, json"),
        (["incident", "tabletop"], "text, json"),
        (["incident", "status", "INC-2026-01-01-001"], "text, json"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else None,
)
def test_every_format_option_gives_the_same_one_line_error(
    capsys: pytest.CaptureFixture[str], args: list[str], allowed: str
) -> None:
    assert run_cli(capsys, *args, "--format", "xml") == (
        2,
        "",
        f"error: --format: 'xml' is not allowed; allowed: {allowed}\n",
    )


@pytest.fixture
def nothing_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if a program runs or an account is read: bad input must stop everything before."""
    import trustfabric.audit
    import trustfabric.engine

    def not_run(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the long work ran before the bad input was reported")

    monkeypatch.setattr(trustfabric.engine, "run_program", not_run)
    monkeypatch.setattr(trustfabric.audit, "audit_security", not_run)


def _command(name: str, tmp_path: Path) -> list[str | Path]:
    if name == "check":
        program = write_program(tmp_path, CLEAN_PROGRAM)
        config = write_isolated_config(tmp_path / "policy.yaml")
        return ["check", "--stack", STACK, "--program", program, "--policy-config", config]
    return ["audit", "security", "--region", "eu-west-2"]


@pytest.mark.parametrize("command", ["check", "audit"])
def test_an_output_path_that_cannot_be_written_is_exit_2_before_the_run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, nothing_runs: None, command: str
) -> None:
    args = _command(command, tmp_path)
    missing = tmp_path / "no-such-dir" / "report.sarif"
    assert run_cli(capsys, *args, "--output", missing) == (
        2,
        "",
        f"error: --output: {missing}: directory {missing.parent} does not exist\n",
    )
    assert run_cli(capsys, *args, "-o", tmp_path) == (
        2,
        "",
        f"error: --output: {tmp_path} is a directory; name a file\n",
    )


def test_an_unwritable_output_directory_is_exit_2_before_the_run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, nothing_runs: None
) -> None:
    # sysfs takes no new file, for root too (a chmod'ed directory would not stop root).
    args = _command("check", tmp_path)
    assert run_cli(capsys, *args, "--output", "/sys/report.json") == (
        2,
        "",
        "error: --output: /sys/report.json: cannot write in /sys: Permission denied\n",
    )


def test_a_writable_output_leaves_no_trace_of_the_check(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    args = _command("check", tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, out, _ = run_cli(capsys, *args, "--output", out_dir / "report.json", "--format", "json")
    assert (code, out) == (0, "")
    assert sorted(path.name for path in out_dir.iterdir()) == ["report.json"]
