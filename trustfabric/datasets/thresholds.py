"""Release thresholds: the accuracy a candidate needs overall and per slice, and how far a slice may regress.

The defaults are `thresholds.yaml` beside this module (documented there); `--thresholds FILE` replaces them
(YAML or JSON, validated against `schemas/thresholds.schema.json`). `datasets evaluate` and `release gate` both
read them through `load_thresholds`, so one file decides what passes.

Usage::

    from trustfabric.datasets.thresholds import load_thresholds

    thresholds = load_thresholds(None)                # the packaged defaults
    assert thresholds.for_slice("jurisdiction", "UK") == 0.95
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from domain.strict_yaml import YamlProblem, load_yaml

from ..errors import TrustFabricError
from ..files import problem_message
from .schema import DATASET_SCHEMAS

DEFAULT_FILE = "thresholds.yaml"


@dataclass(frozen=True)
class Thresholds:
    overall: float
    slice_default: float
    regression_tolerance: float
    slices: dict[str, dict[str, float]] = field(default_factory=dict)
    source: str = DEFAULT_FILE
    sha256: str = ""
    """Of the file's bytes (the release decision records it)."""

    def for_slice(self, dimension: str, value: str) -> float:
        return float(self.slices.get(dimension, {}).get(value, self.slice_default))

    def as_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall,
            "slice_default": self.slice_default,
            "slices": self.slices,
            "regression_tolerance": self.regression_tolerance,
            "source": self.source,
        }


def _parse(text: str, source: str) -> Thresholds:
    try:
        document = load_yaml(text)  # strict: a key written twice is an error, with its line
    except YamlProblem as strict:
        raise TrustFabricError(problem_message(source, strict)) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise TrustFabricError(f"{source}: not valid YAML or JSON{where}") from None
    DATASET_SCHEMAS.validate("thresholds", document, source=source)
    return Thresholds(
        overall=float(document["overall"]),
        slice_default=float(document["slice_default"]),
        regression_tolerance=float(document["regression_tolerance"]),
        slices={
            dimension: {k: float(v) for k, v in values.items()}
            for dimension, values in document.get("slices", {}).items()
        },
        source=source,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


def load_thresholds(path: Path | None) -> Thresholds:
    """Thresholds from `path`, or the packaged defaults."""
    if path is None:
        text = resources.files(__package__).joinpath(DEFAULT_FILE).read_text(encoding="utf-8")
        return _parse(text, f"trustfabric/datasets/{DEFAULT_FILE}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or ("not UTF-8 text" if isinstance(error, ValueError) else error)
        raise TrustFabricError(f"--thresholds: {path}: cannot read: {reason}") from None
    return _parse(text, str(path))


def percent(fraction: float) -> str:
    return f"{fraction * 100:.2f}%"


def threshold_of(thresholds: Thresholds, dimension: str, value: str) -> float:
    """The accuracy a slice needs (`overall` for the dimension "overall")."""
    return thresholds.overall if dimension == "overall" else thresholds.for_slice(dimension, value)


def slice_name(dimension: str, value: str) -> str:
    return "overall" if dimension == "overall" else f"slice {dimension}={value}"


def regressed(accuracy: float, previous: float | None, thresholds: Thresholds) -> bool:
    """Whether accuracy fell more than the tolerance below the previous run's (rounding noise aside)."""
    return previous is not None and previous - accuracy > thresholds.regression_tolerance + 1e-9


def judge(slices: list[dict[str, Any]], thresholds: Thresholds) -> list[str]:
    """One line per failed condition of an evaluation's slices: below threshold, or regressed beyond tolerance.

    Both `datasets evaluate` and `release gate` call this, the gate with its own thresholds."""
    problems: list[str] = []
    for row in slices:
        name = slice_name(row["dimension"], row["value"])
        accuracy = float(row["accuracy"])
        threshold = threshold_of(thresholds, row["dimension"], row["value"])
        if accuracy < threshold:
            problems.append(f"{name}: accuracy {percent(accuracy)} is below the threshold {percent(threshold)}")
        previous = row.get("previous_accuracy")
        if regressed(accuracy, previous, thresholds):
            assert previous is not None
            problems.append(
                f"{name}: accuracy fell {(previous - accuracy) * 100:.2f} points, from {percent(previous)} to "
                f"{percent(accuracy)} (tolerance {thresholds.regression_tolerance * 100:.2f} points)"
            )
    return problems
