"""Records are plain files: every bad record is one line naming the file and the field, exit 2, no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from domain.residency import JURISDICTIONS
from trustfabric.errors import TrustFabricError
from trustfabric.incident.documents import schema
from trustfabric.incident.record import load_folder, load_incident
from trustfabric.incident.targets import SEVERITIES

from .conftest import events, record, write_record

ID = "INC-2026-03-02-001"


def status_error(run, folder: Path) -> str:
    result = run("status", ID, "--dir", folder, "--now", "2026-03-02T09:00:00Z")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": None}, "title: missing (required)"),
        ({"timeline": None}, "timeline: missing (required)"),
        ({"severity": "sev4"}, "severity: 'sev4' is not one of sev1, sev2, sev3"),
        ({"severity": "Sev1"}, "severity: 'Sev1' is not one of sev1, sev2, sev3"),
        ({"jurisdictions": ["UK", "FR"]}, "jurisdictions[1]: 'FR' is not one of UK, EU, US, CA"),
        ({"jurisdictions": []}, "jurisdictions: must not be empty"),
        ({"personal_data": "maybe"}, "personal_data: 'maybe' is not true or false"),
        ({"people_affected": -3}, "people_affected: -3 is less than the minimum of 0"),
        (
            {"owner": "me"},
            "owner: unknown key; allowed: exercise, id, impact_started_at, jurisdictions, "
            "people_affected, personal_data, service, severity, timeline, title, us_states",
        ),
        ({"id": "INC-42"}, "id: 'INC-42' does not match an incident id like INC-2026-12-04-001"),
        ({"timeline": []}, "timeline: must not be empty"),
        ({"timeline": [{"at": "2026-03-02T08:00:00Z"}]}, "timeline[0].event: missing (required)"),
        (
            {"timeline": events(("2026-03-02T08:00:00Z", "detected"), ("2026-03-02", "acknowledged"))},
            "timeline[1].at: '2026-03-02' is not an ISO 8601 timestamp with a UTC offset (e.g. 2026-12-04T09:12:00Z)",
        ),
        (
            {"timeline": events(("2026-03-02T08:00:00Z", "detected"), ("2026-03-02T25:00:00Z", "acknowledged"))},
            "timeline[1].at: '2026-03-02T25:00:00Z' is not an ISO 8601 timestamp with a UTC offset "
            "(e.g. 2026-12-04T09:12:00Z)",
        ),
        (
            {"timeline": events(("2026-03-02T08:00:00", "detected"))},
            "timeline[0].at: '2026-03-02T08:00:00' has no UTC offset; write it as e.g. 2026-12-04T09:12:00Z",
        ),
        (
            {"impact_started_at": "yesterday"},
            "impact_started_at: 'yesterday' is not an ISO 8601 timestamp with a UTC offset (e.g. 2026-12-04T09:12:00Z)",
        ),
        (
            {"impact_started_at": "2026-03-02T08:00:01Z"},
            "impact_started_at: 2026-03-02T08:00:01Z is after 'detected' (2026-03-02T08:00:00Z)",
        ),
        (
            {
                "timeline": events(
                    ("2026-03-02T08:00:00Z", "detected"),
                    ("2026-03-02T08:30:00Z", "acknowledged"),
                    ("2026-03-02T08:10:00Z", "note"),
                )
            },
            "timeline[2].event: 'note' at 2026-03-02T08:10:00Z is before the previous event ('acknowledged' at "
            "2026-03-02T08:30:00Z); events are kept in time order",
        ),
        (
            {"timeline": events(("2026-03-02T08:00:00Z", "detected"), ("2026-03-02T08:30:00Z", "resolved"))},
            "timeline[1].event: 'resolved' before 'mitigated'; the lifecycle is detected, acknowledged, "
            "mitigated, resolved",
        ),
        (
            {"timeline": events(("2026-03-02T08:00:00Z", "acknowledged"), ("2026-03-02T08:30:00Z", "detected"))},
            "timeline[0].event: the timeline starts with 'detected', not 'acknowledged'",
        ),
        (
            {
                "timeline": events(
                    ("2026-03-02T08:00:00Z", "detected"),
                    ("2026-03-02T08:01:00Z", "acknowledged"),
                    ("2026-03-02T08:02:00Z", "acknowledged"),
                )
            },
            "timeline[2].event: 'acknowledged' is already logged at 2026-03-02T08:01:00Z",
        ),
        (
            {"timeline": events(("2026-03-02T08:00:00Z", "detected"), ("2026-03-02T08:01:00Z", "resloved"))},
            "timeline[1].event: unknown event 'resloved'; allowed: detected, acknowledged, mitigated, resolved, "
            "breach-aware, notified-authority:<ID>, notified-subjects[:<ID>], not-required:<ID>, note",
        ),
        (
            {
                "timeline": events(
                    ("2026-03-02T08:00:00Z", "detected"), ("2026-03-02T08:01:00Z", "notified-authority:ico")
                )
            },
            "timeline[1].event: unknown event 'notified-authority:ico'; allowed: detected, acknowledged, mitigated, "
            "resolved, breach-aware, notified-authority:<ID>, notified-subjects[:<ID>], not-required:<ID>, note",
        ),
        (
            {"timeline": events(("2026-03-02T08:00:00Z", "detected"), ("2026-03-02T08:01:00Z", "breach-aware"))},
            "timeline[1].event: 'breach-aware' on an incident with personal_data false; set personal_data to true",
        ),
        ({"us_states": ["TX"]}, "us_states: listed, but US is not among the jurisdictions"),
        (
            {"jurisdictions": ["US"], "us_states": ["XX"]},
            "us_states: 'XX' is not a USPS code of a US state or territory",
        ),
        (
            {"jurisdictions": ["US"], "us_states": ["tx"]},
            "us_states[0]: 'tx' does not match a two-letter USPS state code",
        ),
    ],
)
def test_a_bad_record_is_one_line_naming_the_file_and_field(run, tmp_path: Path, overrides, message) -> None:
    path = write_record(tmp_path, record(**overrides), name=ID)

    assert status_error(run, tmp_path) == f"error: {path}: {message}"


def test_the_id_must_be_the_file_name(run, tmp_path: Path) -> None:
    path = write_record(tmp_path, record(id="INC-2026-03-02-002"), name=ID)

    assert status_error(run, tmp_path) == f"error: {path}: id: 'INC-2026-03-02-002' differs from the file name '{ID}'"


def test_malformed_yaml_and_json_and_empty_files(run, tmp_path: Path) -> None:
    path = tmp_path / f"{ID}.yaml"
    path.write_text("id: INC-2026-03-02-001\ntimeline: [\n", encoding="utf-8")
    assert (
        status_error(run, tmp_path)
        == f"error: {path}: not valid YAML: expected the node content, but found '<stream end>' at line 3"
    )

    path.write_text("", encoding="utf-8")
    assert status_error(run, tmp_path) == (
        f"error: {path}: empty file; an incident record is a mapping (id, title, severity, ...)"
    )

    path.unlink()
    json_path = tmp_path / f"{ID}.json"
    json_path.write_text('{"id": "INC-2026-03-02-001",}', encoding="utf-8")
    assert (
        status_error(run, tmp_path)
        == f"error: {json_path}: not valid JSON: Expecting property name enclosed in double quotes at line 1"
    )


def test_unquoted_yaml_timestamps_are_read_as_written_and_still_need_an_offset(tmp_path: Path) -> None:
    path = tmp_path / f"{ID}.yaml"
    text = (
        "id: INC-2026-03-02-001\ntitle: t\nseverity: sev2\nservice: filing\njurisdictions: [UK]\n"
        "personal_data: no\ntimeline:\n- {at: 2026-03-02T08:00:00+01:00, event: detected}\n"
    )
    path.write_text(text, encoding="utf-8")
    assert load_incident(path).detected_at.isoformat() == "2026-03-02T07:00:00+00:00"

    path.write_text(text.replace("+01:00", ""), encoding="utf-8")
    with pytest.raises(TrustFabricError) as error:
        load_incident(path)
    assert str(error.value) == (
        f"{path}: timeline[0].at: '2026-03-02T08:00:00' has no UTC offset; write it as e.g. 2026-12-04T09:12:00Z"
    )


def test_the_same_id_twice_in_a_folder_is_bad_input(run, tmp_path: Path) -> None:
    write_record(tmp_path, record(), suffix=".yaml")
    write_record(tmp_path, record(), suffix=".json")

    result = run("metrics", "--dir", tmp_path)

    assert result.exit_code == 2
    assert (
        result.stderr == f"error: {tmp_path / (ID + '.yaml')}: id: {ID} is also the id of {tmp_path / (ID + '.json')}\n"
    )
    result = run("status", ID, "--dir", tmp_path)
    assert result.stderr == f"error: {tmp_path}: {ID} has more than one record: {ID}.yaml, {ID}.json\n"


def test_a_bad_record_anywhere_in_the_folder_stops_the_metrics(run, tmp_path: Path) -> None:
    write_record(tmp_path, record())
    bad = write_record(tmp_path, record(id="INC-2026-03-03-001", severity="critical"))

    result = run("metrics", "--dir", tmp_path)

    assert result.exit_code == 2
    assert result.stderr == f"error: {bad}: severity: 'critical' is not one of sev1, sev2, sev3\n"


def test_unknown_ids_and_folders(run, tmp_path: Path) -> None:
    result = run("status", "INC-1", "--dir", tmp_path)
    assert (result.exit_code, result.stderr) == (
        2,
        "error: ID: 'INC-1' is not an incident id like INC-2026-12-04-001\n",
    )

    result = run("status", ID, "--dir", tmp_path)
    assert result.stderr == f"error: {tmp_path}: no incident record {ID} ({ID}.yaml, .yml or .json)\n"

    result = run("metrics", "--dir", tmp_path / "nowhere")
    assert (result.exit_code, result.stderr) == (2, f"error: --dir: {tmp_path / 'nowhere'}: no such folder\n")


def test_json_and_yaml_records_read_the_same(tmp_path: Path) -> None:
    data = record(timeline=events(("2026-03-02T08:00:00Z", "detected"), ("2026-03-02T08:01:00Z", "acknowledged")))
    from_yaml = load_incident(write_record(tmp_path / "y", data))
    from_json = load_incident(write_record(tmp_path / "j", data, suffix=".json"))

    assert from_yaml == from_json
    assert from_json.as_dict() == data


def test_readme_and_postmortems_in_the_folder_are_not_records(tmp_path: Path) -> None:
    write_record(tmp_path, record())
    (tmp_path / "README.md").write_text("# Incidents\n", encoding="utf-8")
    (tmp_path / f"{ID}-postmortem.md").write_text("# Post-mortem\n", encoding="utf-8")

    assert [incident.id for incident in load_folder(tmp_path)] == [ID]


def test_the_schema_speaks_the_same_lists_as_the_rest_of_the_repository() -> None:
    properties = schema("incident")["properties"]
    assert properties["severity"]["enum"] == list(SEVERITIES)
    assert properties["jurisdictions"]["items"]["enum"] == list(JURISDICTIONS)
    assert json.loads(json.dumps(schema("clocks")))["properties"]["clocks"]["items"]["properties"]["jurisdiction"][
        "enum"
    ] == list(JURISDICTIONS)
