"""The vendor risk register: the shipped file is valid; every kind of bad entry fails with one line."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from domain.strict_yaml import load_yaml
from trustfabric.errors import TrustFabricError
from trustfabric.privacy.vendors import REGISTER, load_register, overdue, parse_register


@pytest.fixture(scope="module")
def shipped():
    return load_yaml(REGISTER.read_text(encoding="utf-8"), timestamps=False)


def test_the_shipped_register_is_valid_and_names_every_processor_with_a_dpa(shipped):
    register = load_register()
    names = {vendor.vendor for vendor in register.vendors}
    assert {"Amazon Web Services", "Datadog", "Okta", "PagerDuty", "GitHub"} <= names
    for entry in shipped["vendors"]:
        if entry["personal_data"]:
            assert entry["dpa_signed"], entry["vendor"]


def refusal(data) -> str:
    with pytest.raises(TrustFabricError) as error:
        parse_register(data, "compliance/vendors.yaml")
    return str(error.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["vendors"][0].pop("dpa_signed"),
            "compliance/vendors.yaml: vendors[0]: 'dpa_signed' is a required property",
        ),
        (
            lambda d: d["vendors"][0].update(dpa_signed=None),
            "compliance/vendors.yaml: vendors[0].dpa_signed: None is not of type 'string'",
        ),
        (
            lambda d: d["vendors"][1].update(last_review="2026-02-30"),
            "compliance/vendors.yaml: vendors[1].last_review: '2026-02-30' is not a 'date'",
        ),
        (
            lambda d: d["vendors"][1].update(jurisdictions=["FR"]),
            "compliance/vendors.yaml: vendors[1].jurisdictions[0]: 'FR' is not one of ['UK', 'EU', 'US', 'CA', 'OTHER']",
        ),
        (
            lambda d: d["vendors"][2].update(owner="Intern"),
            "compliance/vendors.yaml: vendors[2].owner: 'Intern' is not one of ['CEO', 'CTO', 'Head of Security', "
            "'Head of Platform', 'Head of Engineering', 'Head of People', 'Data Protection Officer']",
        ),
        (
            lambda d: d["vendors"].append(copy.deepcopy(d["vendors"][0])),
            "compliance/vendors.yaml: vendors[7].vendor: 'Amazon Web Services' is listed twice",
        ),
        (
            lambda d: d["vendors"][4].update(transfer_safeguard="not-applicable"),
            "compliance/vendors.yaml: vendors[4].transfer_safeguard: Anthropic processes personal data outside the EU "
            "and UK (US); allowed: adequacy, scc, dpf",
        ),
    ],
)
def test_bad_entries_fail_with_one_line_naming_the_entry(shipped, change, message):
    data = copy.deepcopy(shipped)
    change(data)
    assert refusal(data) == message


def test_a_review_older_than_the_interval_is_overdue(shipped):
    register = parse_register(shipped, "compliance/vendors.yaml")
    assert overdue(register, date(2026, 12, 5)) == []
    assert overdue(register, date(2027, 4, 19)) == ["GitHub: last review 2026-04-18, due 2027-04-18"]
