"""Data classes and their retention windows: derived from the residency table; erasure decisions per record."""

from __future__ import annotations

from datetime import date

import pytest

from domain.residency import JURISDICTIONS
from domain.retention import DATA_CLASSES, STATUTORY_GRACE_DAYS, as_policy_config, erasure_action, retention_window


@pytest.mark.parametrize("code", list(JURISDICTIONS))
def test_statutory_records_keep_the_statutory_days_and_go_within_a_year_after(code):
    window = retention_window("statutory-record", code)
    assert window.minimum_days == JURISDICTIONS[code].retention_days
    assert window.maximum_days == JURISDICTIONS[code].retention_days + STATUTORY_GRACE_DAYS
    assert JURISDICTIONS[code].retention_source in window.source


def test_windows_of_the_other_classes_do_not_depend_on_the_jurisdiction():
    assert {
        name: (retention_window(name, "EU").minimum_days, retention_window(name, "EU").maximum_days)
        for name in DATA_CLASSES
    } == {
        "statutory-record": (3653, 4018),
        "personal-data": (0, 730),
        "operational-log": (365, 3653),
        "telemetry": (0, 30),
    }


def test_erasable_classes_are_never_locked_and_statutory_records_always_are():
    assert {name: kind.object_lock for name, kind in DATA_CLASSES.items()} == {
        "statutory-record": "required",
        "personal-data": "forbidden",
        "operational-log": "allowed",
        "telemetry": "forbidden",
    }


def test_unknown_class_and_jurisdiction_are_refused_naming_what_is_allowed():
    with pytest.raises(KeyError) as error:
        retention_window("invoices", "UK")
    assert error.value.args[0] == (
        "unknown data class 'invoices'; allowed: statutory-record, personal-data, operational-log, telemetry"
    )
    with pytest.raises(KeyError) as error:
        retention_window("telemetry", "FR")
    assert error.value.args[0] == "unknown jurisdiction 'FR'; allowed: UK, EU, US, CA"


def test_a_statutory_record_inside_its_retention_is_held_naming_the_statute_and_the_end():
    decision = erasure_action("statutory-record", "UK", date(2024, 3, 31), date(2026, 12, 5))
    assert decision.action == "hold"
    assert decision.retain_until == date(2030, 4, 1)  # 2192 days: six years and every leap day they can span
    assert decision.reason == (
        "statutory retention until 2030-04-01 (HMRC: Finance Act 1998 Sch 18 para 21; VAT Act 1994 Sch 11 para "
        "6(3) (6 years)); GDPR Art.17(3)(b) exempts it from erasure, so it is restricted (Art.18) under a legal hold"
    )


def test_the_hold_ends_on_the_last_day_and_the_record_is_erased_from_then_on():
    record = date(2020, 12, 31)
    end = erasure_action("statutory-record", "US", record, date(2020, 12, 31)).retain_until
    assert end == date(2028, 1, 1)  # 2557 days
    assert erasure_action("statutory-record", "US", record, date(2027, 12, 31)).action == "hold"
    assert erasure_action("statutory-record", "US", record, end).action == "erase"


def test_personal_data_is_erased_and_logs_expire_on_their_own():
    today = date(2026, 12, 5)
    assert erasure_action("personal-data", "EU", today, today).action == "erase"
    assert erasure_action("telemetry", "EU", today, today).action == "erase"
    assert erasure_action("operational-log", "EU", today, today).action == "keep-until-expiry"


def test_the_pack_reads_the_same_table():
    from policies.lib.facts import RETENTION

    config = as_policy_config()
    assert RETENTION.tag == config["tag"] == "data-class"
    assert set(RETENTION.classes) == set(DATA_CLASSES)
    for name, kind in RETENTION.classes.items():
        assert kind.minimum == DATA_CLASSES[name].minimum
        assert kind.maximum_after_minimum == DATA_CLASSES[name].maximum_after_minimum
        assert kind.object_lock == DATA_CLASSES[name].object_lock
        assert kind.discovery == DATA_CLASSES[name].discovery
