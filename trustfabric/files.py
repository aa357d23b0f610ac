"""Reading the toolchain's input files (YAML or JSON) with one-line errors naming the file.

Usage::

    from trustfabric.files import read_structured, read_yaml

    data = read_yaml(Path("policies/exemptions.yaml"))        # TrustFabricError: "<path>: not valid YAML: ..."
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from .errors import TrustFabricError


def read_text(path: Path) -> str:
    """The file's text; TrustFabricError `<path>: cannot read: <reason>` when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise TrustFabricError(f"{path}: cannot read: {error.strerror or error}") from None


def read_yaml(path: Path) -> Any:
    """The file's YAML document; TrustFabricError naming the file for unreadable or malformed YAML."""
    text = read_text(path)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise TrustFabricError(f"{path}: not valid YAML: {' '.join(str(error).split())}") from None


def read_structured(path: Path) -> Any:
    """A `.json` file as JSON, anything else as YAML; TrustFabricError naming the file when malformed."""
    if path.suffix.lower() != ".json":
        return read_yaml(path)
    text = read_text(path)
    try:
        return json.loads(text)
    except ValueError as error:
        raise TrustFabricError(f"{path}: not valid JSON: {error}") from None


__all__ = ["read_structured", "read_text", "read_yaml"]
