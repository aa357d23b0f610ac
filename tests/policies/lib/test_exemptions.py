"""The pack's own reading of exemptions.yaml: strict about the file, and what a live exemption suppresses when
the pack is served (the served pack itself is driven over gRPC in tests/policies/test_served_pack.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from policies.aws.kms.key_rotation_enabled import POLICY as ROTATION
from policies.lib.exemptions import Exemption, ExemptionError, exempting, load_exemptions, parse_exemptions
from policies.stack.s3_bucket_public_access_block import POLICY as BLOCK
from tests.policies.harness import PROJECT, STACK, evaluate, graph_of, resource

KNOWN = {ROTATION.name, BLOCK.name}
DAY = dt.date(2026, 3, 31)
KEY = resource("aws:kms/key:Key", {"enableKeyRotation": False}, name="legacy")
KEY_URN = f"urn:pulumi:{STACK}::{PROJECT}::aws:kms/key:Key::legacy"
ROTATION_MESSAGE = "KMS key 'legacy' does not rotate its key material; set enable_key_rotation=True."


def entry(**overrides: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "policy": ROTATION.name,
        "resource": "legacy",
        "reason": "Imported key material cannot rotate.",
        "approver": "security@example.com",
        "expires": dt.date(2026, 3, 31),
    }
    fields.update(overrides)
    return {key: value for key, value in fields.items() if value is not None}


def served(exemption_resource: str = "legacy", expires: dt.date = DAY, today: dt.date = DAY) -> list[object]:
    exemption = Exemption(ROTATION.name, exemption_resource, expires)
    return exempting([ROTATION, BLOCK], [exemption], today=lambda: today)


def test_a_live_exemption_suppresses_the_violation_on_its_resource_by_name_or_urn():
    assert [d.detail for d in evaluate(ROTATION, KEY)] == [ROTATION_MESSAGE]
    assert evaluate(served()[0], KEY) == []
    assert evaluate(served(KEY_URN)[0], KEY) == []
    other = resource("aws:kms/key:Key", {"enableKeyRotation": False}, name="other")
    assert [d.detail for d in evaluate(served()[0], other)] == [
        "KMS key 'other' does not rotate its key material; set enable_key_rotation=True."
    ]


def test_an_exemption_applies_through_the_day_it_expires_and_not_after():
    assert evaluate(served(today=DAY)[0], KEY) == []
    assert [d.detail for d in evaluate(served(today=DAY + dt.timedelta(days=1))[0], KEY)] == [ROTATION_MESSAGE]


def test_the_exempted_policy_keeps_its_metadata_and_other_policies_are_served_as_they_are():
    rebuilt, untouched = served()
    assert untouched is BLOCK
    assert rebuilt is not ROTATION
    for field in ("name", "description", "enforcement_level", "severity", "framework", "remediation_steps", "url"):
        assert getattr(rebuilt, field) == getattr(ROTATION, field), field
    assert rebuilt.meta is ROTATION.meta and rebuilt.resource_types == ROTATION.resource_types


def test_a_stack_policy_violation_is_matched_by_the_urn_it_names():
    bucket = resource("aws:s3/bucket:Bucket", {"bucket": "records-uk"}, name="records")
    graph = graph_of(bucket)
    assert len(evaluate(BLOCK, graph)) == 1
    bucket_urn = f"urn:pulumi:{STACK}::{PROJECT}::aws:s3/bucket:Bucket::records"
    for named in ("records", bucket_urn):
        [policy] = exempting([BLOCK], [Exemption(BLOCK.name, named, DAY)], today=lambda: DAY)
        assert evaluate(policy, graph) == [], named


def test_a_violation_about_the_whole_stack_is_matched_by_the_stack(monkeypatch):
    from policies.lib.exemptions import stack_urn

    monkeypatch.delenv("PULUMI_PROJECT", raising=False)
    assert stack_urn() == ""
    monkeypatch.setenv("PULUMI_PROJECT", "trust-fabric")
    monkeypatch.setenv("PULUMI_STACK", "prod")
    assert stack_urn() == "urn:pulumi:prod::trust-fabric::pulumi:pulumi:Stack::trust-fabric-prod"


def test_the_file_may_be_absent_empty_or_a_bare_list(tmp_path):
    assert load_exemptions(tmp_path / "missing.yaml", KNOWN) == []
    (tmp_path / "empty.yaml").write_text("exemptions: []\n")
    assert load_exemptions(tmp_path / "empty.yaml", KNOWN) == []
    assert parse_exemptions([entry(expires="2026-03-31")], "x.yaml", KNOWN) == [Exemption(ROTATION.name, "legacy", DAY)]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"exemption": []}, "x.yaml: exemption: unknown key; expected 'exemptions' (a list)"),
        ({"exemptions": "all"}, "x.yaml: expected a list of exemptions, got str"),
        (
            {"exemptions": ["legacy"]},
            "x.yaml: exemptions[0]: expected a mapping with policy, resource, reason, approver, expires",
        ),
        (
            [entry(ticket="T-1")],
            "x.yaml: exemptions[0].ticket: unknown key; allowed: policy, resource, reason, approver, expires",
        ),
        ([entry(expires=None)], "x.yaml: exemptions[0].expires: required"),
        ([entry(reason=" ")], "x.yaml: exemptions[0].reason: required"),
        ([entry(resource=7)], "x.yaml: exemptions[0].resource: expected a string, got int"),
        ([entry(policy="aws-kms-nope")], "x.yaml: exemptions[0].policy: unknown policy 'aws-kms-nope'"),
        ([entry(expires="2026-02-30")], "x.yaml: exemptions[0].expires: '2026-02-30' is not a date (YYYY-MM-DD)"),
        ([entry(expires="next year")], "x.yaml: exemptions[0].expires: 'next year' is not a date (YYYY-MM-DD)"),
    ],
)
def test_a_malformed_file_is_one_line_naming_the_entry_and_key(data, message):
    with pytest.raises(ExemptionError) as raised:
        parse_exemptions(data, "x.yaml", KNOWN)
    assert str(raised.value) == message


def test_invalid_yaml_is_one_line(tmp_path):
    path = tmp_path / "exemptions.yaml"
    path.write_text("exemptions: [\n")
    with pytest.raises(ExemptionError) as raised:
        load_exemptions(path, KNOWN)
    assert str(raised.value).startswith(f"{path}: not valid YAML: ")
    assert "\n" not in str(raised.value)
