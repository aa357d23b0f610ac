"""`trustfabric chaos`: list and calendar from the previewed graph, run against moto's FIS into the release gate's
chaos results, and the gate's verdict on them (the round trip)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from trustfabric.release.conditions import RELEASE_SCHEMAS

from ..datasets.support import run_cli
from ..release.support import policy_gate, slo_budget, write_json
from ..release.test_gate import evaluations as evaluations  # the fixture

REGION = "eu-west-2"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
}


@pytest.fixture
def fis(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[object, str]]:
    """moto's FIS with the UK cell's az-impairment template, tagged as the stacks tag it."""
    for key, value in CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        client = boto3.client("fis", region_name=REGION)
        template = client.create_experiment_template(
            clientToken="t",
            description="uk az-impairment",
            roleArn="arn:aws:iam::123456789012:role/trustfabric-prod-uk-eu-west-2-fis",
            stopConditions=[
                {"source": "aws:cloudwatch:alarm", "value": "arn:aws:cloudwatch:eu-west-2:123456789012:alarm:burn"}
            ],
            targets={
                "Subnets": {
                    "resourceType": "aws:ec2:subnet",
                    "resourceArns": ["arn:aws:ec2:eu-west-2:123456789012:subnet/subnet-1"],
                    "selectionMode": "ALL",
                }
            },
            actions={
                "disrupt": {
                    "actionId": "aws:network:disrupt-connectivity",
                    "parameters": {"duration": "PT10M", "scope": "all"},
                    "targets": {"Subnets": "Subnets"},
                }
            },
            tags={"Name": "trustfabric-prod-uk-az-impairment", "experiment": "az-impairment"},
        )["experimentTemplate"]
        yield client, template["id"]


def test_list_shows_each_template_with_its_stop_conditions(capsys):
    code, out, err = run_cli(capsys, "chaos", "list", "--stack", "dev", "--format", "json")
    assert code == 0, err
    experiments = {e["name"]: e for e in json.loads(out)["experiments"]}
    assert sorted(experiments) == [
        "uk-chaos-aurora-failover",
        "uk-chaos-az-impairment",
        "uk-chaos-connector-outage",
        "uk-chaos-queue-delay",
    ]
    stops = experiments["uk-chaos-queue-delay"]["stop_conditions"]
    assert {s["source"] for s in stops} == {"aws:cloudwatch:alarm"}
    assert len(stops) == 2 and all("slo-alarms" in s["alarm"] for s in stops)


def test_calendar_lists_the_next_game_days_outside_the_blackouts(capsys):
    code, out, err = run_cli(
        capsys, "chaos", "calendar", "--stack", "dev", "--after", "2026-12-09", "--count", "3", "--format", "json"
    )
    assert code == 0, err
    days = json.loads(out)["game_days"]
    assert [(d["starts_at"], d["experiment_template"].rsplit("-", 1)[0]) for d in days] == [
        ("2027-01-08T02:00:00+00:00", "uk-chaos-connector-outage"),
        ("2027-02-08T02:00:00+00:00", "uk-chaos-queue-delay"),
        ("2027-03-08T02:00:00+00:00", "uk-chaos-aurora-failover"),
    ]
    assert {d["blackouts"] for d in days} == {"01-15/02-07 10-25/11-02"}


def test_run_follows_the_experiment_and_the_release_gate_accepts_the_results(
    capsys,
    tmp_path: Path,
    fis,
    evaluations,
):
    out_file = tmp_path / "chaos.json"
    code, out, err = run_cli(
        capsys,
        "chaos",
        "run",
        "--cell",
        "uk",
        "--experiment",
        "az-impairment",
        "--poll-seconds",
        "0",
        "--out",
        out_file,
    )
    assert code == 0, err
    assert "uk az-impairment: completed -> verdict passed" in out
    assert "experiment " in err and ": running" in err and ": completed" in err
    document = json.loads(out_file.read_text())
    RELEASE_SCHEMAS.validate("chaos-results", document, source=str(out_file))
    [run] = document["experiments"]
    assert (run["id"], run["verdict"], run["stop_condition_triggered"]) == (fis[1], "passed", False)

    gate = write_json(tmp_path / "gate.json", policy_gate())
    budget = write_json(tmp_path / "budget.json", slo_budget())
    code, out, err = run_cli(
        capsys,
        "release",
        "gate",
        "--evaluation",
        evaluations["clean"],
        "--policy-gate",
        gate,
        "--slo-budget",
        budget,
        "--chaos",
        out_file,
        "--require-chaos",
        "--out",
        tmp_path / "release",
    )
    assert code == 0, out + err
    assert "PASS   chaos: 1 experiments, latest run of each judged" in out


def test_a_stopped_experiment_is_written_as_aborted_and_blocks_the_release(
    capsys,
    tmp_path: Path,
    fis,
    evaluations,
    monkeypatch,
):
    client, template_id = fis
    import trustfabric.chaos.runner as runner

    def stop_when_running(message: str) -> None:
        if ": running" in message:
            client.stop_experiment(id=message.split()[1].rstrip(":"))

    monkeypatch.setattr("trustfabric.cli.chaos.stderr", stop_when_running)
    out_file = tmp_path / "chaos.json"
    code, out, _ = run_cli(
        capsys,
        "chaos",
        "run",
        "--template-id",
        template_id,
        "--region",
        REGION,
        "--poll-seconds",
        "0",
        "--out",
        out_file,
    )
    assert code == 1
    assert runner.VERDICTS["stopped"] in out
    [run] = json.loads(out_file.read_text())["experiments"]
    assert run["verdict"] == "aborted"
    gate = write_json(tmp_path / "gate.json", policy_gate())
    budget = write_json(tmp_path / "budget.json", slo_budget())
    code, out, _ = run_cli(
        capsys,
        "release",
        "gate",
        "--evaluation",
        evaluations["clean"],
        "--policy-gate",
        gate,
        "--slo-budget",
        budget,
        "--chaos",
        out_file,
        "--out",
        tmp_path / "release",
    )
    assert code == 1
    assert f"chaos: experiment {template_id} (ended {run['ended_at']}): verdict aborted" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "x.json"], "error: run: give either --template-id or --cell with --experiment"),
        (
            ["--cell", "fr", "--experiment", "az-impairment", "--out", "x.json"],
            "error: --cell: 'fr' is not allowed; allowed: uk, eu, us, ca",
        ),
        (["--template-id", "EXT1", "--out", "x.json"], "error: --region: required with --template-id"),
        (
            ["--cell", "uk", "--experiment", "az-impairment", "--poll-seconds", "-1", "--out", "x.json"],
            "error: --poll-seconds: -1 is out of range; allowed: 0..300",
        ),
        (
            ["--cell", "uk", "--experiment", "az-impairment", "--out", "missing/x.json"],
            "error: --out: missing/x.json: directory missing does not exist",
        ),
    ],
)
def test_bad_run_input_is_one_line_and_exit_2(capsys, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, "chaos", "run", *args)
    assert (code, err) == (2, message + "\n")


def test_an_unknown_experiment_name_is_bad_input(capsys, tmp_path: Path, fis):
    code, _, err = run_cli(
        capsys, "chaos", "run", "--cell", "uk", "--experiment", "meteor-strike", "--out", tmp_path / "c.json"
    )
    assert code == 2
    assert err == (
        "error: --experiment: no experiment template tagged Name=trustfabric-prod-uk-meteor-strike in this account "
        "and region; see `trustfabric chaos list`\n"
    )


def test_calendar_bad_input(capsys):
    code, _, err = run_cli(capsys, "chaos", "calendar", "--stack", "dev", "--after", "tomorrow")
    assert (code, err) == (2, "error: --after: 'tomorrow' is not a date; allowed: YYYY-MM-DD\n")
