"""release gate: blocks on each failed condition (one line each), promotes a clean candidate, signs the decision."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from trustfabric.evidence.signing import canonical_bytes

from ..datasets.support import perfect_outputs, run_cli, write_dataset, write_results
from .support import chaos, load_result, policy_gate, slo_budget, violation, write_gate_inputs, write_json


@pytest.fixture
def evaluations(capsys, tmp_path) -> dict[str, Path]:
    """A clean evaluation record, then one of a candidate with a seeded regression in the UK."""
    store = tmp_path / "store"
    assert run_cli(capsys, "datasets", "ingest", write_dataset(tmp_path / "golden"), "--store", store)[0] == 0
    records = {}
    outputs = perfect_outputs()
    for name, candidate in (("clean", "extractor@1.0"), ("regressed", "extractor@1.1")):
        if name == "regressed":
            outputs["uk-inv-2"] = {"invoice_number": "INV-2", "total": 98.0, "currency": "GBP"}
        results = write_results(tmp_path / f"{name}.jsonl", outputs)
        run_cli(
            capsys,
            "datasets",
            "evaluate",
            "--results",
            results,
            "--dataset",
            "golden-accounting@2026.1",
            "--store",
            store,
            "--candidate",
            candidate,
            "--history",
            tmp_path / "history",
            "--out",
            tmp_path / f"{name}.json",
        )
        records[name] = tmp_path / f"{name}.json"
    return records


def gate(capsys, tmp_path, evaluation, *extra, **inputs):
    return run_cli(
        capsys,
        "release",
        "gate",
        "--evaluation",
        evaluation,
        *write_gate_inputs(tmp_path, **inputs),
        "--out",
        tmp_path / "release",
        *extra,
    )


def decision_of(tmp_path: Path) -> dict:
    (path,) = (tmp_path / "release").glob("decision-*.json")
    return json.loads(path.read_text())


def test_a_clean_candidate_is_promoted_with_a_signed_record(capsys, tmp_path, evaluations):
    key = Ed25519PrivateKey.generate()
    key_file = tmp_path / "release.pem"
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    code, out, err = gate(capsys, tmp_path, evaluations["clean"], "--signing-key", key_file, "--stack", "prod")
    assert code == 0, out + err
    lines = out.splitlines()
    assert lines[0] == "release gate: PROMOTE extractor@1.0 (stack prod)"
    assert lines[1].startswith("  PASS   evaluation: extractor@1.0 on golden-accounting@2026.1: 100.00% (6/6)")
    assert [line.split()[0:2] for line in lines[1:5]] == [
        ["PASS", "evaluation:"],
        ["PASS", "policy-gate:"],
        ["PASS", "error-budget:"],
        ["PASS", "chaos:"],
    ]
    record = decision_of(tmp_path)
    decision = record["decision"]
    assert decision["outcome"] == "promote" and decision["candidate"] == "extractor@1.0"
    for name, file in (
        ("evaluation", evaluations["clean"]),
        ("policy_gate", tmp_path / "policy-gate.json"),
        ("slo_budget", tmp_path / "slo-budget.json"),
        ("chaos", tmp_path / "chaos.json"),
    ):
        assert decision["inputs"][name] == {"path": str(file), "sha256": hashlib.sha256(file.read_bytes()).hexdigest()}
    assert decision["inputs"]["thresholds"]["path"] == "trustfabric/datasets/thresholds.yaml"
    signature = record["signature"]
    assert signature["key"] == "file"
    key.public_key().verify(base64.b64decode(signature["value"]), canonical_bytes(decision))  # raises if not
    public = tmp_path / "release.pub"
    public.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    (path,) = (tmp_path / "release").glob("decision-*.json")
    code, out, err = run_cli(capsys, "release", "verify", path, "--public-key", public)
    assert (code, out) == (0, f"{path}: signature verifies with the given key; inputs unchanged\n"), err


def test_a_seeded_regression_blocks_the_release(capsys, tmp_path, evaluations):
    code, out, err = gate(capsys, tmp_path, evaluations["regressed"])
    assert (code, err) == (1, "")
    lines = out.splitlines()
    assert lines[0] == "release gate: BLOCK extractor@1.1 (stack prod)"
    assert lines[1].startswith("  FAIL   evaluation: ")
    failures = [line for line in lines if line.startswith("evaluation: ")]
    assert failures == [
        "evaluation: overall: accuracy 83.33% is below the threshold 95.00%",
        "evaluation: overall: accuracy fell 16.67 points, from 100.00% to 83.33% (tolerance 1.00 points)",
        "evaluation: slice document_type=invoice: accuracy 50.00% is below the threshold 90.00%",
        "evaluation: slice document_type=invoice: accuracy fell 50.00 points, from 100.00% to 50.00% (tolerance 1.00 points)",
        "evaluation: slice filing_type=vat-return: accuracy 75.00% is below the threshold 90.00%",
        "evaluation: slice filing_type=vat-return: accuracy fell 25.00 points, from 100.00% to 75.00% (tolerance 1.00 points)",
        "evaluation: slice jurisdiction=UK: accuracy 50.00% is below the threshold 95.00%",
        "evaluation: slice jurisdiction=UK: accuracy fell 50.00 points, from 100.00% to 50.00% (tolerance 1.00 points)",
    ]
    record = decision_of(tmp_path)
    assert record["decision"]["outcome"] == "block"
    assert record["signature"]["key"] == "ephemeral"  # no key given: the record says so


def test_the_gate_applies_its_own_thresholds_not_the_records(capsys, tmp_path, evaluations):
    lenient = tmp_path / "lenient.yaml"
    lenient.write_text("overall: 0.5\nslice_default: 0.5\nregression_tolerance: 0.6\n")
    code, out, _ = gate(capsys, tmp_path, evaluations["regressed"], "--thresholds", lenient)
    assert code == 0 and out.startswith("release gate: PROMOTE extractor@1.1")
    strict = tmp_path / "strict.yaml"
    strict.write_text("overall: 1.0\nslice_default: 1.0\nregression_tolerance: 0\n")
    code, out, _ = gate(capsys, tmp_path, evaluations["clean"], "--thresholds", strict)
    assert code == 0 and out.startswith("release gate: PROMOTE extractor@1.0")


def test_policy_gate_budget_and_chaos_failures_each_on_their_own_line(capsys, tmp_path, evaluations):
    code, out, _ = gate(
        capsys,
        tmp_path,
        evaluations["clean"],
        policy_gate=policy_gate(
            [
                violation("aws-kms-key-rotation-enabled", name="key-b"),
                violation("aws-kms-key-rotation-enabled", name="key-a"),
                violation("aws-s3-bucket-versioning", enforcement="advisory"),
            ]
        ),
        slo_budget=slo_budget({"api-latency": 0.5, "filing-success": 0.0}),
        chaos=chaos(
            [
                ("az-outage-uk", "2026-12-01T10:30:00Z", True, "aborted"),
                ("az-outage-uk", "2026-12-02T10:30:00Z", False, "passed"),
                ("db-failover-eu", "2026-12-02T11:00:00Z", True, "failed"),
            ]
        ),
    )
    assert code == 1
    failures = [line for line in out.splitlines() if not line.startswith(("release gate:", "  ", "decision:"))]
    assert failures == [
        "policy gate: stack prod: aws-kms-key-rotation-enabled: 2 mandatory violations (key-a, key-b)",
        "error budget: filing-success (filing-success objective, target 0.999 over 30d): 0.00% of the budget left (exhausted)",
        "chaos: experiment db-failover-eu (ended 2026-12-02T11:00:00Z): verdict failed, stop condition triggered",
    ]


def test_stale_budget_snapshot_and_required_chaos(capsys, tmp_path, evaluations):
    code, out, _ = gate(
        capsys, tmp_path, evaluations["clean"], "--require-chaos", slo_budget=slo_budget(hours_ago=30), chaos=None
    )
    assert code == 1
    failures = [line for line in out.splitlines() if line.startswith(("error budget:", "chaos:"))]
    assert failures == [
        "error budget: the snapshot was generated 30.0 h ago, more than 24 h; export a current one",
        "chaos: no results were given and --require-chaos is set",
    ]
    code, out, _ = gate(capsys, tmp_path, evaluations["clean"], chaos=None)
    assert code == 0 and "  ABSENT chaos: no chaos results given (not required)" in out.splitlines()


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda p: p.write_text("{not json"),
            "{path}: not valid JSON: Expecting property name enclosed in double quotes (line 1, column 2)",
        ),
        (
            lambda p: write_json(p, {**slo_budget(), "objectives": [{"slo": "api-latency"}]}),
            "{path}: $.objectives[0]: 'objective' is a required property",
        ),
        (
            lambda p: write_json(p, {**slo_budget(), "format": "v0"}),
            "{path}: $.format: 'trustfabric.release/slo-budget/v1' was expected",
        ),
    ],
)
def test_bad_budget_snapshot_is_one_line_exit_2(capsys, tmp_path, evaluations, mutate, message):
    options = write_gate_inputs(tmp_path)
    path = tmp_path / "slo-budget.json"
    mutate(path)
    code, out, err = run_cli(
        capsys, "release", "gate", "--evaluation", evaluations["clean"], *options, "--out", tmp_path / "release"
    )
    assert (code, out, err) == (2, "", "error: " + message.format(path=path) + "\n")
    assert not (tmp_path / "release").exists()  # nothing decided on bad input


def test_mismatched_candidate_or_stack_and_tampered_verdicts(capsys, tmp_path, evaluations):
    code, _, err = gate(capsys, tmp_path, evaluations["clean"], "--candidate", "extractor@9")
    assert (code, err) == (
        2,
        f"error: --evaluation: {evaluations['clean']}: the record is for candidate 'extractor@1.0', not 'extractor@9'\n",
    )
    code, _, err = gate(capsys, tmp_path, evaluations["clean"], "--stack", "dr")
    assert (code, err) == (
        2,
        f"error: --policy-gate: {tmp_path / 'policy-gate.json'}: the gate result is for stack 'prod', not 'dr'\n",
    )
    verdicts = evaluations["clean"].with_name("clean.verdicts.jsonl")
    verdicts.write_text(verdicts.read_text().replace('"pass"', '"fail"', 1))
    code, _, err = gate(capsys, tmp_path, evaluations["clean"])
    assert (
        code == 2
        and err.startswith(f"error: {verdicts}: sha256 ")
        and err.endswith("does not match the record's verdicts: tampered or stale\n")
    )


def test_verify_detects_a_changed_decision_or_input(capsys, tmp_path, evaluations):
    assert gate(capsys, tmp_path, evaluations["clean"])[0] == 0
    (path,) = (tmp_path / "release").glob("decision-*.json")
    (tmp_path / "slo-budget.json").write_text(json.dumps(slo_budget({"api-latency": 0.9})))
    code, out, _ = run_cli(capsys, "release", "verify", path)
    assert (code, out) == (
        1,
        f"input slo_budget: {tmp_path / 'slo-budget.json'} changed since the decision (sha256 mismatch)\n",
    )
    record = json.loads(path.read_text())
    record["decision"]["outcome"] = "promote" if record["decision"]["outcome"] == "block" else "block"
    path.write_text(json.dumps(record))
    code, out, _ = run_cli(capsys, "release", "verify", path)
    assert (
        code == 1
        and out.splitlines()[0] == "signature: does not verify (the decision was changed, or another key signed it)"
    )


def test_the_load_result_feeds_the_gate_both_ways(capsys, tmp_path, evaluations):
    passing = write_json(tmp_path / "load-pass.json", load_result())
    code, out, err = gate(capsys, tmp_path, evaluations["clean"], "--load", passing)
    assert code == 0, out + err
    generated = json.loads(passing.read_text())["generated_at"]
    assert [line for line in out.splitlines() if "load:" in line] == [
        f"  PASS   load: 3 SLO thresholds, UK profile against https://api.uk.example ({generated})"
    ]
    decision = decision_of(tmp_path)["decision"]
    assert decision["inputs"]["load"] == {
        "path": str(passing),
        "sha256": hashlib.sha256(passing.read_bytes()).hexdigest(),
    }
    assert [c["status"] for c in decision["conditions"] if c["name"] == "load"] == ["pass"]

    failing = write_json(tmp_path / "load-fail.json", load_result(failing=("filing-success",)))
    code, out, err = gate(capsys, tmp_path, evaluations["clean"], "--load", failing)
    assert code == 1, out + err
    assert [line.strip() for line in out.splitlines() if line.strip().startswith("load:")] == [
        "load: filing-success (filing): at most 0.1000% of filing requests failing; observed 25.00%"
    ]


def test_a_required_load_result_that_is_missing_blocks(capsys, tmp_path, evaluations):
    code, out, _ = gate(capsys, tmp_path, evaluations["clean"], "--require-load")
    assert code == 1
    assert "load: no result was given and --require-load is set" in [line.strip() for line in out.splitlines()]
    code, out, _ = gate(capsys, tmp_path, evaluations["clean"])
    assert code == 0 and "  ABSENT load: no load result given (not required)" in out.splitlines()


def test_a_malformed_load_result_is_one_line_exit_2(capsys, tmp_path, evaluations):
    document = load_result()
    del document["verdicts"][0]["passed"]
    bad = write_json(tmp_path / "load.json", document)
    code, out, err = gate(capsys, tmp_path, evaluations["clean"], "--load", bad)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and str(bad) in err and "passed" in err and "Traceback" not in err
