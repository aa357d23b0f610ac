"""Field-by-field comparison within tolerances."""

from __future__ import annotations

from decimal import Decimal

from trustfabric.datasets.compare import changed_fields, compare, flatten


def fields(expected, actual, tolerances=None):
    return [(m.field, m.reason) for m in compare(expected, actual, tolerances or {})]


def test_exact_by_default_and_decimal_exact():
    assert fields({"total": Decimal("0.3")}, {"total": Decimal("0.1") + Decimal("0.2")}) == []
    assert fields({"total": Decimal("10.00")}, {"total": Decimal("10.01")}) == [("total", "value")]
    assert fields({"id": "INV-1", "flag": True}, {"id": "INV-1", "flag": True}) == []
    assert fields({"id": "INV-1"}, {"id": "inv-1"}) == [("id", "value")]


def test_absolute_relative_and_exact_tolerances():
    tolerance = {"total": {"absolute": Decimal("0.01")}}
    assert fields({"total": Decimal("10.00")}, {"total": Decimal("10.01")}, tolerance) == []
    assert fields({"total": Decimal("10.00")}, {"total": Decimal("10.02")}, tolerance) == [
        ("total", "out of tolerance: off by 0.02, allowed 0.01")
    ]
    relative = {"rate": {"relative": Decimal("0.001")}}
    assert fields({"rate": Decimal("2.000")}, {"rate": Decimal("2.002")}, relative) == []
    assert fields({"rate": Decimal("2.000")}, {"rate": Decimal("2.003")}, relative)[0][0] == "rate"
    # both: the wider allowance wins
    both = {"x": {"absolute": Decimal("0.5"), "relative": Decimal("0.01")}}
    assert fields({"x": Decimal("100")}, {"x": Decimal("100.9")}, both) == []
    assert fields({"x": 1}, {"x": 1.0000001}, {"x": {"exact": True}}) == [("x", "value")]


def test_list_positions_use_star_patterns():
    expected = {"entries": [{"amount": Decimal("1.00")}, {"amount": Decimal("2.00")}]}
    tolerance = {"entries[*].amount": {"absolute": Decimal("0.01")}}
    actual = {"entries": [{"amount": Decimal("1.01")}, {"amount": Decimal("2.05")}]}
    assert [m.field for m in compare(expected, actual, tolerance)] == ["entries[1].amount"]
    # a specific position overrides the pattern
    tolerance["entries[1].amount"] = {"absolute": Decimal("0.1")}
    assert compare(expected, actual, tolerance) == []


def test_missing_type_and_length():
    assert fields({"a": 1, "b": {"c": "x"}}, {"a": 1}) == [("b.c", "missing")]
    assert fields({"a": 1}, {"a": "1"}) == [("a", "type: expected a number, got str")]
    assert fields({"items": [1, 2]}, {"items": [1, 2, 3]}) == [("items", "length: expected 2 items, got 3")]
    assert fields({"items": [1, 2]}, {"items": [1]}) == [("items[1]", "missing")]
    assert fields({"tax": None}, {"tax": None}) == []
    assert fields({"tax": None}, {"tax": 0}) == [("tax", "value")]
    assert fields({"a": 1}, {"a": 1, "extra": 2}) == []  # extra output fields are ignored


def test_flatten_and_changed_fields():
    assert list(flatten({"a": {"b": [1, {"c": 2}]}, "d": []})) == [("a.b[0]", 1), ("a.b[1].c", 2), ("d", [])]
    assert changed_fields({"a": 1, "b": 2, "c": 3}, {"a": 1, "b": 5, "d": 4}) == ["b", "c", "d"]
    assert changed_fields({"t": Decimal("1.50")}, {"t": Decimal("1.5")}) == []
