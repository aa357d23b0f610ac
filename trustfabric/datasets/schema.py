"""JSON Schemas (draft 2020-12) shipped as files in a package, and one-line validation errors.

Every document the dataset tooling and the release gate read (dataset.json, sample.json, the stored manifest and
its index, model results, thresholds, evaluation records, release inputs) has a schema file in the package's
`schemas/` directory. Schemas refer to each other by `$id` (`urn:trustfabric:datasets:common`, ...).

Validation runs on jsonschema-rs first (a hundred thousand samples must validate in seconds); only an invalid
document goes through `jsonschema`, the reference implementation, whose best-matching error words the message:

    samples/s-1/sample.json: $.expected.total: 'abc' is not valid under any of the given schemas

Usage::

    from trustfabric.datasets.schema import DATASET_SCHEMAS

    DATASET_SCHEMAS.validate("sample", document, source="samples/s-1/sample.json")   # TrustFabricError (exit 2)
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from functools import cached_property
from importlib import resources
from typing import Any

import jsonschema
import jsonschema_rs
from referencing import Registry, Resource

from ..errors import TrustFabricError


def json_path(parts: Iterable[str | int]) -> str:
    """`$` followed by `.key` and `[index]` steps: where in a document a value sits."""
    text = "$"
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


class SchemaSet:
    """The schemas of one package directory, by short name (`sample` for `sample.schema.json`)."""

    def __init__(self, package: str, directory: str = "schemas", extra: Iterable[SchemaSet] = ()) -> None:
        self.package = package
        self.directory = directory
        self.extra = tuple(extra)

    @cached_property
    def documents(self) -> dict[str, dict[str, Any]]:
        """Every schema of the directory, by short name (read once)."""
        folder = resources.files(self.package).joinpath(self.directory)
        schemas: dict[str, dict[str, Any]] = {}
        for entry in folder.iterdir():
            if entry.name.endswith(".schema.json"):
                schemas[entry.name.removesuffix(".schema.json")] = json.loads(entry.read_text(encoding="utf-8"))
        return schemas

    def _all_documents(self) -> list[dict[str, Any]]:
        documents = list(self.documents.values())
        for other in self.extra:
            documents.extend(other._all_documents())
        return documents

    @cached_property
    def _registry(self) -> Registry[Any]:
        return Registry().with_resources(
            (document["$id"], Resource.from_contents(document)) for document in self._all_documents()
        )

    @cached_property
    def _rs_registry(self) -> jsonschema_rs.Registry:
        return jsonschema_rs.Registry([(document["$id"], document) for document in self._all_documents()])

    def schema(self, name: str) -> dict[str, Any]:
        """The schema `name` of this directory, else of the extra sets it builds on."""
        if name in self.documents:
            return self.documents[name]
        for other in self.extra:
            if name in other.documents:
                return other.documents[name]
        raise KeyError(f"no schema {name!r} in {self.package}/{self.directory}")

    def _fast(self, name: str) -> jsonschema_rs.Validator:
        cache: dict[str, jsonschema_rs.Validator] = self.__dict__.setdefault("_fast_cache", {})
        if name not in cache:
            cache[name] = jsonschema_rs.validator_for(self.schema(name), registry=self._rs_registry)
        return cache[name]

    def _reference(self, name: str) -> jsonschema.protocols.Validator:
        cache: dict[str, jsonschema.protocols.Validator] = self.__dict__.setdefault("_reference_cache", {})
        if name not in cache:
            cache[name] = jsonschema.Draft202012Validator(self.schema(name), registry=self._registry)
        return cache[name]

    def error(self, name: str, document: Any) -> str | None:
        """`$.path: message` of the best-matching error, or None when the document is valid."""
        if self._fast(name).is_valid(document):
            return None
        best = jsonschema.exceptions.best_match(self._reference(name).iter_errors(document))
        if best is None:  # the two implementations disagree; trust the stricter, say what jsonschema-rs saw
            first = next(iter(self._fast(name).iter_errors(document)))
            return f"{json_path(first.instance_path)}: {first.message}"
        return f"{json_path(best.absolute_path)}: {best.message}"

    def validate(self, name: str, document: Any, *, source: str) -> None:
        """Raise TrustFabricError (`source: $.path: message`, exit 2) when `document` breaks schema `name`."""
        problem = self.error(name, document)
        if problem is not None:
            raise TrustFabricError(f"{source}: {problem}")


DATASET_SCHEMAS = SchemaSet("trustfabric.datasets")
"""dataset, sample, manifest, index-entry, results-line, thresholds, evaluation, and common definitions."""


_DECIMAL_DECODER = json.JSONDecoder(parse_float=Decimal)
"""Made once: `json.loads(..., parse_float=...)` builds a decoder per call, a cost per sample at ingest."""


def load_json(data: bytes, *, source: str, decimals: bool = False) -> Any:
    """Parse JSON bytes; a syntax error is one line naming the source, line and column (exit 2).

    With `decimals`, numbers with a fraction become `Decimal` so amounts compare exactly at currency precision.
    """
    try:
        text = data.decode("utf-8")
        if not decimals:
            return json.loads(text)
        if text.startswith("\ufeff"):  # json.loads words this error; the bare decoder does not check
            return json.loads(text, parse_float=Decimal)
        return _DECIMAL_DECODER.decode(text)
    except UnicodeDecodeError as error:
        raise TrustFabricError(f"{source}: not UTF-8 text: {error.reason} at byte {error.start}") from None
    except json.JSONDecodeError as error:
        raise TrustFabricError(
            f"{source}: not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
