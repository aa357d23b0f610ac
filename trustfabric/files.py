"""Reading the toolchain's input files (YAML or JSON) with one-line errors naming the file.

Every YAML and JSON file the toolchain reads goes through here (stack and project files through
`trustfabric.engine.project`, which keeps its own message shape), read strictly by `domain.strict_yaml`: a key
written twice, a byte that is not UTF-8, an impossible date, an over-long integer, nesting too deep or an alias
bomb is bad input naming the file, the line and the key, never a traceback.

Usage::

    from trustfabric.files import read_structured, read_yaml

    data = read_yaml(Path("policies/exemptions.yaml"))        # TrustFabricError: "<path>: not valid YAML: ..."
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from domain.strict_yaml import TextProblem, YamlProblem, decode_utf8, load_json, load_yaml

from .errors import TrustFabricError


def read_text(path: Path) -> str:
    """The file's text; TrustFabricError `<path>: cannot read: <reason>` when it cannot be read, and
    `<path>: not UTF-8 text: byte 0xff at line L, column C` when it is not UTF-8."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise TrustFabricError(f"{path}: cannot read: {error.strerror or error}") from None
    try:
        return decode_utf8(data)
    except TextProblem as problem:
        raise TrustFabricError(f"{path}: {problem}") from None


def problem_message(source: object, problem: YamlProblem) -> str:
    """`<source>:<line>: <key path>: <problem>` (line and key path when known)."""
    line = f":{problem.line}" if problem.line else ""
    path = f" {problem.path}:" if problem.path else ""
    return f"{source}{line}:{path} {problem.problem}"


def parse_yaml(text: str, source: object, *, timestamps: bool = True) -> Any:
    """YAML text read strictly; TrustFabricError naming `source` (and the line and key) when malformed."""
    try:
        return load_yaml(text, timestamps=timestamps)
    except YamlProblem as problem:
        raise TrustFabricError(problem_message(source, problem)) from None
    except yaml.YAMLError as error:
        raise TrustFabricError(f"{source}: not valid YAML: {' '.join(str(error).split())}") from None


def read_yaml(path: Path, *, timestamps: bool = True) -> Any:
    """The file's YAML document; TrustFabricError naming the file for unreadable or malformed YAML."""
    return parse_yaml(read_text(path), path, timestamps=timestamps)


def parse_json(text: str, source: object) -> Any:
    """JSON text read strictly; TrustFabricError naming `source` when malformed."""
    try:
        return load_json(text)
    except YamlProblem as problem:
        raise TrustFabricError(problem_message(source, problem)) from None
    except json.JSONDecodeError as error:
        raise TrustFabricError(f"{source}: not valid JSON: {error}") from None


def read_json(path: Path) -> Any:
    """The file's JSON document; TrustFabricError naming the file for unreadable or malformed JSON."""
    return parse_json(read_text(path), path)


def read_structured(path: Path) -> Any:
    """A `.json` file as JSON, anything else as YAML; TrustFabricError naming the file when malformed."""
    if path.suffix.lower() != ".json":
        return read_yaml(path)
    return read_json(path)


__all__ = ["parse_json", "parse_yaml", "problem_message", "read_json", "read_structured", "read_text", "read_yaml"]
