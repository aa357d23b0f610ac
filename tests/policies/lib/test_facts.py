"""The shared facts ship with the pack as data: the file equals what `python -m trustfabric.packdata` writes from
`domain/`, and the pack's typed reading of it equals the domain's own records."""

from __future__ import annotations

import json

import pytest

from domain import residency, tags, tiers
from policies.lib import facts
from policies.lib.residency import RESIDENCY_SCHEMA, residency_config
from trustfabric import packdata


def test_the_shipped_facts_are_what_the_generator_writes_from_domain():
    assert facts.FACTS_FILE == packdata.FACTS_PATH
    assert facts.FACTS_FILE.read_text(encoding="utf-8") == packdata.render(packdata.facts_document())


def test_every_jurisdiction_reads_as_the_domain_defines_it():
    assert list(facts.JURISDICTIONS) == list(residency.JURISDICTIONS)
    for code, shipped in facts.JURISDICTIONS.items():
        source = residency.JURISDICTIONS[code]
        assert (shipped.primary_region, shipped.standby_region) == (source.primary_region, source.standby_region)
        assert shipped.allowed_regions == source.allowed_regions
        assert (shipped.retention_years, shipped.retention_days) == (source.retention_years, source.retention_days)
        assert shipped.paired_region(source.primary_region) == source.standby_region
        assert shipped.paired_region(source.standby_region) == source.primary_region


def test_a_region_outside_the_pair_has_no_paired_region():
    with pytest.raises(ValueError) as raised:
        facts.JURISDICTIONS["UK"].paired_region("us-east-1")
    assert str(raised.value) == (
        "region 'us-east-1' is neither the primary (eu-west-2) nor the standby (eu-west-1) region of UK"
    )


def test_the_tag_contract_and_the_tiers_read_as_the_domain_defines_them():
    assert facts.TAGS.required == tags.REQUIRED_TAGS == ("jurisdiction", "data-classification", "owner")
    assert facts.TAGS.classifications == tags.CLASSIFICATIONS
    assert (facts.TAGS.backup_tier, facts.TAGS.stack, facts.TAGS.cell) == (tags.BACKUP_TIER, tags.STACK, tags.CELL)
    assert list(facts.TIERS) == list(tiers.TIERS)
    for name, tier in facts.TIERS.items():
        source = tiers.TIERS[name]
        assert (tier.rpo_minutes, tier.rto_minutes) == (source.rpo_minutes, source.rto_minutes)
        assert (tier.failover_rpo_minutes, tier.failover_rto_minutes) == (
            source.failover_rpo_minutes,
            source.failover_rto_minutes,
        )
    assert facts.TIERS["tier0"].rpo_minutes == 5 and facts.TIERS["records"].failover_rto_minutes == 60


def test_the_residency_config_default_is_the_shipped_table():
    assert json.loads(json.dumps(RESIDENCY_SCHEMA["residency"]["default"])) == residency.as_policy_config()
    assert residency_config(None)["EU"] == ("eu-central-1", "eu-west-1", "eu-west-3", "eu-north-1")
    assert residency_config({"residency": {"UK": {"allowed_regions": ["eu-west-2"]}}}) == {"UK": ("eu-west-2",)}


def test_a_stale_data_file_fails_the_check_with_one_line(tmp_path, monkeypatch, capsys):
    facts_copy = tmp_path / "facts.json"
    taggable_copy = tmp_path / "aws_taggable.json"
    facts_copy.write_text(packdata.FACTS_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    taggable_copy.write_text(packdata.TAGGABLE_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(packdata, "FACTS_PATH", facts_copy)
    monkeypatch.setattr(packdata, "TAGGABLE_PATH", taggable_copy)
    monkeypatch.setattr(packdata, "taggable_document", lambda: json.loads(packdata.TAGGABLE_PATH.read_text()))
    assert packdata.main(["--check"]) == 0
    assert capsys.readouterr().err == "pack data up to date\n"

    facts_copy.write_text(facts_copy.read_text().replace('"retention_years": 6', '"retention_years": 5', 1))
    assert packdata.main(["--check"]) == 1
    assert capsys.readouterr().err == f"{facts_copy}: stale pack data; run python -m trustfabric.packdata\n"

    assert packdata.main([]) == 0
    assert capsys.readouterr().err == f"wrote {facts_copy}\nwrote {taggable_copy}\n"
    assert facts_copy.read_text() == packdata.render(packdata.facts_document())
