"""The strict YAML and JSON reader: what PyYAML and json accept silently or raise as Python exceptions becomes a
YamlProblem naming the line and the key path."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from domain.strict_yaml import MAX_DEPTH, TextProblem, YamlProblem, decode_utf8, load_json, load_yaml


def problem(text: str, **options: bool) -> str:
    with pytest.raises(YamlProblem) as raised:
        load_yaml(text, **options)
    return str(raised.value)


def test_well_formed_documents_read_as_pyyaml_reads_them():
    text = "a: [1, 2.5, {b: 2026-01-31}]\nbase: &b {x: 1}\nmerged:\n  <<: *b\n  y: 2\nflag: yes\n"
    assert load_yaml(text) == yaml.safe_load(text)
    assert load_yaml("") is None
    assert load_yaml("d: 2026-01-31\nt: 2026-01-31 10:00:00\n", timestamps=False) == {
        "d": "2026-01-31",
        "t": "2026-01-31 10:00:00",
    }
    assert load_yaml("d: 2026-01-31\n")["d"] == dt.date(2026, 1, 31)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\nb: 2\na: 3\n", "line 3: a: duplicate key 'a' (first at line 1)"),
        ("x:\n  - {k: 1, k: 2}\n", "line 2: x[0].k: duplicate key 'k' (first at line 2)"),
        ("yes: 1\ntrue: 2\n", "line 2: true: duplicate key 'true' (first at line 1)"),
        (
            "e:\n  expires: 2026-02-30\n",
            "line 2: e.expires: '2026-02-30' is not a valid date or time: day is out of range for month",
        ),
        ("n: " + "1" * 4301 + "\n", "line 1: n: an integer of 4301 digits; at most 4300 are read"),
        ("a: &a [1, *a]\n", "line 1: a[1]: an alias refers to the collection that holds it"),
    ],
    ids=["duplicate", "duplicate-nested", "duplicate-same-value", "impossible-date", "long-integer", "recursive"],
)
def test_what_pyyaml_accepts_or_raises_on_is_a_problem(text: str, message: str):
    assert problem(text) == message


def test_a_duplicate_under_a_merge_key_is_an_override_not_a_duplicate():
    assert load_yaml("b: &b {x: 1}\nd:\n  <<: *b\n  x: 2\n")["d"] == {"x": 2}


def test_deep_nesting_stops_at_the_limit_with_the_key():
    assert load_yaml("a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)) is not None
    message = problem("a: " + "[" * 5000 + "]" * 5000)
    assert message.startswith("line 1: a[0][0]") and message.endswith(f"...: nested deeper than {MAX_DEPTH} levels")


def test_an_alias_bomb_is_refused_before_it_expands():
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]" for i in range(8)]
    assert problem("\n".join(levels) + "\n") == "line 6: f: expands to more than 200000 values through aliases"


def test_syntax_errors_stay_pyyamls_own():
    with pytest.raises(yaml.YAMLError):
        load_yaml("a: [1\n")


def test_json_duplicates_constants_long_integers_and_depth():
    assert load_json('{"a": [1, 2.5, null, true]}') == {"a": [1, 2.5, None, True]}
    for text, message in [
        ('{"a": 1, "a": 2}', "a: duplicate key 'a'"),
        ('{"a": NaN}', "NaN is not a JSON number"),
        ('{"a": ' + "9" * 4301 + "}", "an integer of 4301 digits; at most 4300 are read"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ]:
        with pytest.raises(YamlProblem) as raised:
            load_json(text)
        assert str(raised.value) == message


def test_bytes_that_are_not_utf8_are_named_by_line_and_column():
    assert decode_utf8("a: é\n".encode()) == "a: é\n"
    with pytest.raises(TextProblem) as raised:
        decode_utf8(b"a: 1\nbb: \xff\n")
    assert str(raised.value) == "not UTF-8 text: byte 0xff at line 2, column 5"
