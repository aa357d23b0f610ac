"""The CLI contract: preview (tree and JSON), diff against the golden snapshot, exit codes and one-line errors."""

from __future__ import annotations

import contextlib
import io
import json
import shutil

import pytest

from domain.residency import JURISDICTIONS
from trustfabric.cli import main
from trustfabric.paths import REPO_ROOT


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    captured = capsys.readouterr()
    return int(exit_info.value.code or 0), captured.out, captured.err


def cells_of(graph_json: dict) -> dict[str, set[str]]:
    """jurisdiction -> regions of that cell's AWS resources, read from the cell component of each resource."""
    cells: dict[str, set[str]] = {}
    for resource in graph_json["resources"]:
        if not resource["type"].startswith("aws:"):
            continue
        cell = resource["urn"].split("::")[-2].split("$")[0]
        assert cell == "trustfabric:stack:Cell", resource["urn"]
        code = resource["inputs"].get("tags", {}).get("jurisdiction")
        parent = resource["parent"]
        while parent and "trustfabric:stack:Cell::" not in parent.split("$")[-1] and "::" in parent:
            parent = next(r["parent"] for r in graph_json["resources"] if r["urn"] == parent)
        code = parent.rsplit("::", 1)[-1].upper()
        cells.setdefault(code, set()).add(resource["region"])
    return cells


@pytest.fixture(scope="module")
def prod_preview_json() -> tuple[int, str, str]:
    """`preview --stack prod --format json` of the repository, run once for the module's tests that read it."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), pytest.raises(SystemExit) as exit_info:
        main(["preview", "--stack", "prod", "--format", "json", "--program", str(REPO_ROOT)])
    return int(exit_info.value.code or 0), out.getvalue(), err.getvalue()


def test_prod_preview_json_lists_all_four_cells_in_their_primary_regions(prod_preview_json):
    code, out, err = prod_preview_json
    assert code == 0, err
    graph = json.loads(out)
    assert graph["stack"] == "prod"
    # The evidence store (audit account) copies its backups to, and pages from, the UK's other region.
    copies = [r for r in graph["resources"] if "trustfabric:security:EvidenceStore" in r["urn"]]
    assert {r.get("region") for r in copies if r.get("region")} == {"eu-west-2", "eu-west-1"}
    graph["resources"] = [r for r in graph["resources"] if r not in copies]
    assert cells_of(graph) == {code: {j.primary_region} for code, j in JURISDICTIONS.items()}


def test_dr_resources_sit_in_the_standby_regions(capsys):
    code, out, err = run_cli(capsys, "preview", "--stack", "dr", "--format", "json", "--program", str(REPO_ROOT))
    assert code == 0, err
    graph = json.loads(out)
    # IAM Identity Center lives in one home region (eu-west-2, a UK region): dr's permission sets are made there.
    graph["resources"] = [r for r in graph["resources"] if not r["type"].startswith("aws:ssoadmin/")]
    assert cells_of(graph) == {code: {j.standby_region} for code, j in JURISDICTIONS.items()}


def test_preview_json_is_deterministic(capsys):
    first = run_cli(capsys, "preview", "--stack", "dev", "--format", "json", "--program", str(REPO_ROOT))[1]
    second = run_cli(capsys, "preview", "--stack", "dev", "--format", "json", "--program", str(REPO_ROOT))[1]
    assert first == second
    urns = [r["urn"] for r in json.loads(first)["resources"]]
    assert urns == sorted(urns)


def test_preview_text_is_a_tree_of_cells_components_and_counts(capsys, prod_preview_json):
    code, out, _ = run_cli(capsys, "preview", "--stack", "prod", "--program", str(REPO_ROOT))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "stack prod (trust-fabric)"
    assert any(line.endswith("cell uk (UK, eu-west-2)") for line in lines)
    assert any("trustfabric:security:KmsKeyring uk-keyring" in line for line in lines)
    assert any("aws:kms/key:Key x6 [eu-west-2]: uk-keyring-backups" in line for line in lines)
    assert lines[-1].startswith(f"{_custom_count(prod_preview_json[1])} resources of ")
    # eu-west-1: only the evidence store's backup copy and its paging, in the audit account.
    assert lines[-1].endswith("in 5 regions (ca-central-1, eu-central-1, eu-west-1, eu-west-2, us-east-1)")


def _custom_count(preview_json: str) -> int:
    resources = json.loads(preview_json)["resources"]
    return sum(1 for r in resources if r["custom"] and not r["type"].startswith("pulumi:providers:"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["preview"], "error: Missing option '--stack' / '-s'."),
        (
            ["preview", "--stack", "prod", "--format", "xml"],
            "error: --format: 'xml' is not allowed; allowed: text, json",
        ),
        (["preview", "--stack", "../etc"], "error: --stack: '../etc' is not a valid stack name"),
        (["nonsense"], "error: No such command 'nonsense'."),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(capsys, args, message):
    code, out, err = run_cli(capsys, *args, *([] if args == ["nonsense"] else ["--program", str(REPO_ROOT)]))
    assert code == 2
    assert out == ""
    assert err == message + "\n"


def test_every_command_has_help(capsys):
    for command in ("preview", "diff", "check"):
        code, out, _ = run_cli(capsys, command, "--help")
        assert code == 0
        assert "--stack" in out


def test_diff_against_the_golden_snapshot_is_empty_for_the_committed_graph(capsys):
    code, out, err = run_cli(capsys, "diff", "--stack", "dev", "--program", str(REPO_ROOT), "--exit-code")
    assert code == 0, out + err
    assert out == "no changes\n"


def test_diff_shows_added_removed_and_changed_properties(tmp_path, capsys):
    program = tmp_path / "program"
    program.mkdir()
    (program / "Pulumi.yaml").write_text(f"name: trust-fabric\nruntime: python\nmain: {REPO_ROOT / 'stacks'}\n")
    stack_file = (REPO_ROOT / "Pulumi.dev.yaml").read_text()
    changed = stack_file.replace("kmsDeletionWindowDays: 7", "kmsDeletionWindowDays: 21")
    assert changed != stack_file
    (program / "Pulumi.dev.yaml").write_text(changed)
    code, out, _ = run_cli(
        capsys,
        "diff",
        "--stack",
        "dev",
        "--program",
        str(program),
        "--golden",
        str(REPO_ROOT / "tests" / "golden" / "dev.json"),
        "--exit-code",
    )
    assert code == 1
    assert "~ aws:kms/key:Key uk-keyring-backups\n    inputs.deletionWindowInDays: 7.0 => 21.0\n" in out
    assert out.splitlines()[-1] == "0 to add, 6 to change, 0 to remove"


def test_diff_between_two_stacks(tmp_path, capsys):
    program = tmp_path / "program"
    shutil.copytree(REPO_ROOT, program, ignore=shutil.ignore_patterns(".venv*", ".git", "tests", "__pycache__"))
    (program / "Pulumi.dev2.yaml").write_text(
        (REPO_ROOT / "Pulumi.dev.yaml")
        .read_text()
        .replace("- jurisdiction: UK", "- jurisdiction: UK\n    - jurisdiction: CA")
        # AppConfig environments are named after the stack by default: keep dev's, so only the new cell differs.
        .replace("config:\n", "config:\n  trust-fabric:delivery:\n    stages: [dev]\n", 1)
    )
    code, out, _ = run_cli(
        capsys, "diff", "--stack", "dev2", "--against-stack", "dev", "--program", str(program), "--format", "json"
    )
    assert code == 0
    changes = json.loads(out)
    added_regions = {r["region"] for r in changes["added"] if r["region"]}
    assert added_regions == {"ca-central-1"}
    assert changes["removed"] == []
