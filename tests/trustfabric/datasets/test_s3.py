"""The dataset store on S3 (moto): Object Lock in governance mode, conditional writes, the same commands."""

from __future__ import annotations

import datetime as dt
import json

import boto3
import pytest
from botocore.exceptions import ClientError

from .conftest import LOCKED_BUCKET, PLAIN_BUCKET
from .support import perfect_outputs, run_cli, write_dataset, write_results

STORE = f"s3://{LOCKED_BUCKET}/accounting"


def test_ingest_to_s3_locks_every_object_in_governance_mode(capsys, tmp_path, s3_endpoint):
    directory = write_dataset(tmp_path / "golden")
    code, out, err = run_cli(
        capsys, "datasets", "ingest", directory, "--store", STORE, "--endpoint-url", s3_endpoint, "--format", "json"
    )
    assert code == 0, err
    version_id = json.loads(out)["version_id"]
    s3 = boto3.client("s3", endpoint_url=s3_endpoint)
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=LOCKED_BUCKET)["Contents"]]
    assert f"accounting/versions/{version_id}/manifest.json" in keys
    assert "accounting/labels/golden-accounting/2026.1.json" in keys
    assert len(keys) == 7 + 3  # 7 distinct sample files, index, manifest, label
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(days=29)
    for key in keys:
        head = s3.head_object(Bucket=LOCKED_BUCKET, Key=key)
        assert head["ObjectLockMode"] == "GOVERNANCE"
        assert head["ObjectLockRetainUntilDate"] > soon  # the bucket's default period (30 days) is used
    # A released object cannot be deleted (without the governance bypass the tooling never uses) ...
    manifest_key = f"accounting/versions/{version_id}/manifest.json"
    version = s3.list_object_versions(Bucket=LOCKED_BUCKET, Prefix=manifest_key)["Versions"][0]["VersionId"]
    with pytest.raises(ClientError) as denied:
        s3.delete_object(Bucket=LOCKED_BUCKET, Key=manifest_key, VersionId=version)
    assert denied.value.response["Error"]["Code"] == "AccessDenied"
    # ... and the same commands read it back, verified.
    code, out, err = run_cli(
        capsys,
        "datasets",
        "version",
        "show",
        "golden-accounting@2026.1",
        "--store",
        STORE,
        "--endpoint-url",
        s3_endpoint,
        "--verify",
    )
    assert code == 0, err
    assert out.splitlines()[0] == f"golden-accounting@2026.1  {version_id}"
    assert "verified: every one of 12 files matches its sha256" in out


def test_s3_refuses_to_overwrite_a_released_version(capsys, tmp_path, s3_endpoint):
    directory = write_dataset(tmp_path / "golden")
    assert run_cli(capsys, "datasets", "ingest", directory, "--store", STORE, "--endpoint-url", s3_endpoint)[0] == 0
    code, out, err = run_cli(capsys, "datasets", "ingest", directory, "--store", STORE, "--endpoint-url", s3_endpoint)
    assert code == 0 and "already released (nothing written)" in out, err
    (directory / "samples" / "uk-inv-2" / "document.txt").write_bytes(b"changed\n")
    code, _, err = run_cli(capsys, "datasets", "ingest", directory, "--store", STORE, "--endpoint-url", s3_endpoint)
    assert code == 1
    assert err.startswith("error: refused: golden-accounting@2026.1 is released as ")
    assert err.endswith(
        "a released version is never overwritten: give the changed dataset a new version in dataset.json\n"
    )


def test_a_bucket_without_object_lock_is_refused(capsys, tmp_path, s3_endpoint):
    code, out, err = run_cli(
        capsys,
        "datasets",
        "ingest",
        write_dataset(tmp_path / "golden"),
        "--store",
        f"s3://{PLAIN_BUCKET}/x",
        "--endpoint-url",
        s3_endpoint,
    )
    assert (code, out) == (2, "")
    assert err == (
        f"error: --store: s3://{PLAIN_BUCKET}: Object Lock is not enabled; the dataset bucket needs Object Lock "
        "(governance mode) so a released version is never overwritten or deleted\n"
    )
    code, _, err = run_cli(
        capsys, "datasets", "version", "list", "--store", "s3://no-such-bucket/x", "--endpoint-url", s3_endpoint
    )
    assert (code, err) == (2, "error: --store: s3://no-such-bucket/x: no such bucket\n")


def test_round_trip_on_s3(capsys, tmp_path, s3_endpoint):
    """ingest two versions -> evaluate -> diff -> report -> release gate, every read from S3."""
    for version in ("2026.1", "2026.2"):
        directory = write_dataset(tmp_path / version, version=version)
        assert run_cli(capsys, "datasets", "ingest", directory, "--store", STORE, "--endpoint-url", s3_endpoint)[0] == 0
    results = write_results(tmp_path / "results.jsonl", perfect_outputs())
    code, out, err = run_cli(
        capsys,
        "datasets",
        "evaluate",
        "--results",
        results,
        "--dataset",
        "golden-accounting@2026.2",
        "--store",
        STORE,
        "--endpoint-url",
        s3_endpoint,
        "--candidate",
        "extractor@2.0",
        "--history",
        tmp_path / "history",
        "--out",
        tmp_path / "evaluation.json",
    )
    assert code == 0, err
    assert out.splitlines()[0] == "extractor@2.0 on golden-accounting@2026.2: 6/6 passed (100.00%), 0 failed, 0 missing"
    code, out, err = run_cli(
        capsys,
        "datasets",
        "diff",
        "golden-accounting@2026.1",
        "golden-accounting@2026.2",
        "--store",
        STORE,
        "--endpoint-url",
        s3_endpoint,
    )
    assert code == 0 and "0 added, 0 removed, 0 changed, 6 unchanged" in out, err
    code, out, err = run_cli(
        capsys,
        "datasets",
        "report",
        "--evaluation",
        tmp_path / "evaluation.json",
        "--history",
        tmp_path / "history",
        "--out",
        tmp_path / "report.html",
    )
    assert code == 0 and (tmp_path / "report.html").is_file(), err
    from ..release.support import write_gate_inputs

    inputs = write_gate_inputs(tmp_path)
    code, out, err = run_cli(
        capsys, "release", "gate", "--evaluation", tmp_path / "evaluation.json", *inputs, "--out", tmp_path / "release"
    )
    assert code == 0, out + err
    assert out.splitlines()[0] == "release gate: PROMOTE extractor@2.0 (stack prod)"
