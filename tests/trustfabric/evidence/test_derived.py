"""The derived-document cache (trustfabric.evidence.derived): a kept template gives the same bytes the builder
writes for this run's times; changed inputs build again; a damaged entry is ignored; no cache when turned off."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from trustfabric.evidence import derived, oscal, sbom
from trustfabric.evidence.controls import Control
from trustfabric.evidence.inputs import RunRecord
from trustfabric.evidence.matrix import ControlResult, EvaluatedResource, PolicyEvaluation
from trustfabric.evidence.status import ControlStatus
from trustfabric.findings import Finding, ResourceRef

START = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
END = dt.datetime(2026, 3, 4, 5, 6, 9, tzinfo=dt.UTC)
BUCKET = EvaluatedResource("urn:pulumi:prod::p::aws:s3/bucket:Bucket::logs", "aws:s3/bucket:Bucket", "logs")
KEY = EvaluatedResource("urn:pulumi:prod::p::aws:kms/key:Key::vault", "aws:kms/key:Key", "vault")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Caching on, in a fresh directory."""
    monkeypatch.delenv("TRUSTFABRIC_NO_CACHE", raising=False)
    monkeypatch.setenv("TRUSTFABRIC_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "evidence"


def _results(message: str = "logs has no versioning: enable it") -> list[ControlResult]:
    finding = Finding(
        policy="aws-s3-bucket-versioning",
        enforcement="mandatory",
        severity="high",
        message=message,
        resource=ResourceRef(urn=BUCKET.urn, type=BUCKET.type, name=BUCKET.name),
    )
    versioning = ControlResult(
        control=Control("SOC2", "A1.2", "Recovery", "Data can be recovered.", policies=("aws-s3-bucket-versioning",)),
        status=ControlStatus.FAIL,
        evaluations=(PolicyEvaluation("aws-s3-bucket-versioning", (BUCKET,), findings=(finding,)),),
        findings=(finding,),
        exempted=(),
        drills=(RunRecord("restore", "pass", "reports/drills/restore.json", "restored in 12 min"),),
        tests=(),
        reasons=("aws-s3-bucket-versioning failed on logs",),
    )
    rotation = ControlResult(
        control=Control("ISO27001:2022", "A.8.24", "Cryptography", "Keys rotate.", policies=("aws-kms-rotation",)),
        status=ControlStatus.PASS,
        evaluations=(PolicyEvaluation("aws-kms-rotation", (KEY, BUCKET)),),
        findings=(),
        exempted=(),
        drills=(),
        tests=(),
    )
    return [versioning, rotation]


def _direct(results: list[ControlResult], start: dt.datetime = START, end: dt.datetime = END) -> bytes:
    model = oscal.assessment_results(results, stack="prod", pack_version="0.1.0", start=start, end=end)
    return bytes(model.oscal_serialize_json_bytes(pretty=True))


def _write(results: list[ControlResult], path: Path, start: dt.datetime = START, end: dt.datetime = END) -> bool:
    return oscal.write_assessment_results(
        results, path, stack="prod", pack_version="0.1.0", start=start, end=end, slot="here:prod"
    )


def test_assessment_results_from_a_template_are_the_bytes_a_build_writes(cache: Path, tmp_path: Path) -> None:
    results = _results()
    assert _write(results, tmp_path / "first.json") is False
    assert len(list(cache.glob("*.tmpl"))) == 1
    later_start, later_end = START + dt.timedelta(hours=5), END + dt.timedelta(hours=5, seconds=1)
    assert _write(results, tmp_path / "second.json", later_start, later_end) is True
    assert (tmp_path / "first.json").read_bytes() == _direct(results)
    assert (tmp_path / "second.json").read_bytes() == _direct(results, later_start, later_end)
    oscal.read_back(tmp_path / "second.json")


def test_changed_results_build_again(cache: Path, tmp_path: Path) -> None:
    assert _write(_results(), tmp_path / "first.json") is False
    changed = _results(message="logs has no versioning: turn it on")
    assert _write(changed, tmp_path / "second.json") is False
    assert (tmp_path / "second.json").read_bytes() == _direct(changed)
    assert b"turn it on" in (tmp_path / "second.json").read_bytes()


def test_a_damaged_template_is_ignored(cache: Path, tmp_path: Path) -> None:
    results = _results()
    _write(results, tmp_path / "first.json")
    (entry,) = cache.glob("*.tmpl")
    entry.write_bytes(entry.read_bytes().replace(b"Recovery", b"Recovered"))
    assert _write(results, tmp_path / "second.json") is False
    assert (tmp_path / "second.json").read_bytes() == _direct(results)


def test_no_cache_when_turned_off(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTFABRIC_NO_CACHE", "1")
    results = _results()
    assert _write(results, tmp_path / "first.json") is False
    assert _write(results, tmp_path / "second.json") is False
    assert not cache.exists()
    assert (tmp_path / "second.json").read_bytes() == _direct(results)


def test_an_entry_of_another_key_is_not_used(cache: Path) -> None:
    first = derived.document_key("kind", slot="s", data=b"one")
    derived.store_template(first, b"body one")
    second = derived.document_key("kind", slot="s", data=b"two")
    assert second.entry == first.entry and second.digest != first.digest
    assert derived.load_template(second) is None
    assert derived.load_template(first) == b"body one"


def test_sboms_from_templates_differ_from_a_build_only_in_serial_number(cache: Path, tmp_path: Path) -> None:
    when = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
    later = when + dt.timedelta(days=1)
    for out in ("first", "second"):
        (tmp_path / out).mkdir()
    sbom.write_sboms(tmp_path / "first", when=when, slot="here")
    assert len(list(cache.glob("*sbom*.tmpl"))) == 2
    sbom.write_sboms(tmp_path / "second", when=later, slot="here")
    runtime = sbom.runtime_closure()
    for name, nodes, label in (
        (sbom.RUNTIME_FILE, runtime, "runtime"),
        (sbom.DEV_FILE, sbom.dev_closure(), "development"),
    ):
        written = json.loads((tmp_path / "second" / name).read_text())
        built = json.loads(sbom.serialize(sbom.build_bom(nodes, runtime=set(runtime), label=label, when=later)))
        assert written["metadata"]["timestamp"] == later.isoformat()
        assert written["serialNumber"] != built["serialNumber"]
        assert written["serialNumber"] != json.loads((tmp_path / "first" / name).read_text())["serialNumber"]
        written.pop("serialNumber"), built.pop("serialNumber")
        assert written == built
