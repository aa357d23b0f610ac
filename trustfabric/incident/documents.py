"""Reading the plain files of the incident tooling (YAML or JSON) and checking them against shipped schemas.

Every problem becomes one line naming the file and the field (`timeline[2].at`), never a traceback. YAML is read
without implicit timestamps, so `at: 2026-12-04T09:12:00Z` stays the text written (the record's own parser
then insists on a UTC offset) instead of becoming a naive or local datetime behind our back.

Usage::

    from trustfabric.incident.documents import read_document, validate_document

    data = read_document(Path("incidents/INC-2026-12-04-001.yaml"))
    validate_document(data, "incident", where="incidents/INC-2026-12-04-001.yaml")
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from domain.strict_yaml import YamlProblem, load_yaml
from trustfabric.errors import TrustFabricError
from trustfabric.files import problem_message

from . import PACKAGE_DIR

SUFFIXES = (".yaml", ".yml", ".json")


def read_document(path: Path) -> Any:
    """The parsed content of a YAML or JSON file (by suffix); unreadable or malformed is bad input."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TrustFabricError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise TrustFabricError(f"{path}: cannot read: {error}") from None
    if path.suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise TrustFabricError(f"{path}: not valid JSON: {error.msg} at line {error.lineno}") from None
    try:
        return load_yaml(text, timestamps=False)  # strict: a key written twice is an error, with its line
    except YamlProblem as strict:
        raise TrustFabricError(problem_message(path, strict)) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or "malformed"
        line = f" at line {mark.line + 1}" if mark is not None else ""
        raise TrustFabricError(f"{path}: not valid YAML: {problem}{line}") from None


def write_document(path: Path, data: dict[str, Any]) -> None:
    """Write `data` as YAML or JSON (by suffix), keys in the order given, ending with a newline."""
    if path.suffix == ".json":
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)
    path.write_text(text, encoding="utf-8")


@cache
def schema(name: str) -> dict[str, Any]:
    """The JSON Schema `trustfabric/incident/schemas/<name>.schema.json` shipped in the package."""
    text = (PACKAGE_DIR / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def field_path(parts: Iterable[str | int]) -> str:
    """`timeline[2].at` from ("timeline", 2, "at")."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


_TYPE_NAMES = {
    "string": "a string",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "integer": "an integer",
    "number": "a number",
    "null": "null",
}


def _describe(error: ValidationError) -> tuple[list[str | int], str]:
    """(field path, problem) for one schema error, in the house's words."""
    path: list[str | int] = list(error.absolute_path)
    instance = error.instance
    if error.validator == "required":
        present = instance if isinstance(instance, dict) else {}
        missing = next(name for name in error.validator_value if name not in present)
        return [*path, missing], "missing (required)"
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        unknown = sorted(key for key in instance if key not in allowed)
        return [*path, unknown[0]], f"unknown key; allowed: {', '.join(allowed)}"
    if error.validator == "enum":
        return path, f"{instance!r} is not one of {', '.join(map(str, error.validator_value))}"
    if error.validator == "type":
        types: list[str] = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        expected = " or ".join(_TYPE_NAMES.get(name, name) for name in types)
        return path, f"{instance!r} is not {expected}"
    if error.validator == "pattern":
        hint = error.schema.get("description", f"the pattern {error.validator_value}")
        return path, f"{instance!r} does not match {hint}"
    if error.validator == "oneOf" and all(set(option) == {"required"} for option in error.validator_value):
        keys = [name for option in error.validator_value for name in option["required"]]
        return path, f"needs exactly one of {', '.join(keys)}"
    if error.validator == "minItems" and error.validator_value == 1:
        return path, "must not be empty"
    if error.validator == "uniqueItems":
        return path, f"{instance!r} has a repeated entry"
    return path, error.message


def validate_document(data: Any, schema_name: str, *, where: str) -> None:
    """Check `data` against the named schema; the first problem (the most relevant one) is bad input."""
    validator = Draft202012Validator(schema(schema_name))
    error = best_match(validator.iter_errors(data))
    if error is None:
        return
    path, problem = _describe(error)
    field = field_path(path)
    raise TrustFabricError(f"{where}: {field}: {problem}" if field else f"{where}: {problem}")
