"""Typed `datasets` settings: the golden dataset store of every cell (`components/quality/dataset_store.py`).

=============================  ========  ==========================================================================
key (`trust-fabric:datasets`)  default   meaning
=============================  ========  ==========================================================================
enabled                        true      declare each cell's golden dataset store (prod, dr and dev by default)
lockDays                       3653      default GOVERNANCE retention of every dataset object, in days: 365..36500
accessLogRetentionDays         400       days the store's server access logs are kept: 365..3653
=============================  ========  ==========================================================================

A bad value fails with one line naming the file and the key, as every other setting does::

    Pulumi.prod.yaml: trust-fabric:datasets.lockDays: 30 is out of range; allowed: 365..36500

Usage::

    from stacks.settings_datasets import DatasetSettings, parse_datasets

    datasets = parse_datasets(reader, raw_value)        # reader: the settings module's key reader
    if datasets.enabled: ...
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from components.quality.dataset_store import MAX_LOCK_DAYS, MIN_LOCK_DAYS

KEY = "datasets"
DATASET_KEYS = ("enabled", "lockDays", "accessLogRetentionDays")


@dataclass(frozen=True)
class DatasetSettings:
    """The golden dataset stores of this stack."""

    enabled: bool = True
    """Declare a golden dataset store in every cell."""
    lock_days: int = 3653
    """Default GOVERNANCE retention of every object, in days."""
    access_log_retention_days: int = 400
    """Days the store's server access logs are kept."""


class SettingsReader(Protocol):
    """What `stacks.settings` reads keys with (its `_Reader`): each failure is one line naming file and key."""

    def fail(self, key: str, message: str) -> ValueError: ...

    def mapping(self, key: str, value: Any) -> dict[str, Any]: ...

    def unknown_keys(self, key_prefix: str, given: dict[str, Any], allowed: tuple[str, ...]) -> None: ...

    def integer(self, key: str, value: Any, minimum: int, maximum: int) -> int: ...


def _boolean(reader: SettingsReader, key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):  # a scalar set with `pulumi config set` arrives as text
        return value == "true"
    raise reader.fail(key, f"expected a boolean, got {value!r}; allowed: true, false")


def parse_datasets(reader: SettingsReader, value: Any) -> DatasetSettings:
    """The `datasets` object of the stack file, validated; defaults for what it leaves out."""
    given = reader.mapping(KEY, value)
    reader.unknown_keys(f"{KEY}.", given, DATASET_KEYS)
    defaults = DatasetSettings()
    return DatasetSettings(
        enabled=_boolean(reader, f"{KEY}.enabled", given["enabled"]) if "enabled" in given else defaults.enabled,
        lock_days=reader.integer(f"{KEY}.lockDays", given["lockDays"], MIN_LOCK_DAYS, MAX_LOCK_DAYS)
        if "lockDays" in given
        else defaults.lock_days,
        access_log_retention_days=reader.integer(
            f"{KEY}.accessLogRetentionDays", given["accessLogRetentionDays"], 365, 3653
        )
        if "accessLogRetentionDays" in given
        else defaults.access_log_retention_days,
    )
