"""OSCAL properties are built without re-validating each one: the result is the model a validated constructor
gives, and a name the model rejects is still rejected."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from trestle.oscal import common

from trustfabric.evidence.oscal import NAMESPACE, _prop


@pytest.mark.parametrize(
    ("name", "value", "with_ns"),
    [
        ("policy", "aws-kms-key-rotation-enabled", True),
        ("resource", "urn:pulumi:prod::trust-fabric::aws:kms/key:Key::ledger  key\n", True),
        ("result", "évaluée: 3 résultats", False),
        ("detail", "   ", True),
    ],
)
def test_a_property_is_what_the_validated_model_gives(name: str, value: str, with_ns: bool) -> None:
    text = " ".join(value.split()) or "-"
    validated = common.Property(name=name, value=text, ns=NAMESPACE if with_ns else None)
    built = _prop(name, value, with_ns=with_ns)
    dump = {"by_alias": True, "exclude_none": True, "mode": "json", "warnings": "error"}
    assert built.model_dump(**dump) == validated.model_dump(**dump)  # type: ignore[arg-type]
    assert common.Property.model_validate(built.model_dump(**dump)) == validated  # type: ignore[arg-type]


def test_a_name_the_model_rejects_is_still_rejected() -> None:
    with pytest.raises(ValidationError):
        _prop("not a token", "x")
