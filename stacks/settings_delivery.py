"""Typed settings of progressive delivery and chaos experiments: the `delivery` key of `Pulumi.<stack>.yaml`.

Every default lives here; a stack file says only what differs. A bad value fails with one line naming the file,
the key and what is allowed, e.g.::

    Pulumi.prod.yaml: trust-fabric:delivery.canary.growthFactor: 100 is out of range; allowed: 1..50

Keys (all optional, under `trust-fabric:delivery`):

==========================  =====================================================================================
key                         meaning
==========================  =====================================================================================
stages                      AppConfig environments of every service (default: one named after the stack)
canary.growthFactor         percent of targets per step, the first step being the canary: 1..50 (default 10)
canary.deploymentMinutes    minutes the steps are spread over: 10..1440 (default 60)
canary.finalBakeMinutes     minutes of watching after the last step, still rolling back: 10..1440 (default 30)
chaos.enabled               declare the FIS experiments (default: on for the primary footprint, prod and dev;
                            a dr stack, standby or active, says so explicitly)
chaos.experiments           which of connector-outage, queue-delay, aurora-failover, az-impairment (default all)
chaos.durationMinutes       how long each fault lasts: 1..60 (default 10)
chaos.latencyMs             latency the queue-delay experiment adds: 100..30000 (default 2000)
==========================  =====================================================================================

Usage::

    from stacks.settings_delivery import parse_delivery

    delivery = parse_delivery(values, settings)      # values: the stack's config; settings: its StackSettings
    delivery.canary.growth_factor, delivery.chaos_enabled
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from components.delivery.appconfig import CanaryStrategy
from components.delivery.chaos import EXPERIMENT_KEYS
from stacks.settings import StackSettings
from stacks.settings_reader import SettingsError, _decode, _Reader, _type_name

DELIVERY_KEYS = ("stages", "canary", "chaos")
CANARY_KEYS = ("growthFactor", "deploymentMinutes", "finalBakeMinutes")
CHAOS_KEYS = ("enabled", "experiments", "durationMinutes", "latencyMs")
STAGE = re.compile(r"^[a-z][a-z0-9-]{0,31}$")
STANDBY_EXPERIMENTS = ("connector-outage", "queue-delay", "az-impairment")
"""What a standby footprint could run if asked: it has no ledger writer to fail over."""


@dataclass(frozen=True)
class DeliverySettings:
    """Progressive delivery and chaos settings of a stack, typed and validated."""

    stages: tuple[str, ...]
    canary: CanaryStrategy
    chaos_enabled: bool
    experiments: tuple[str, ...]
    duration_minutes: int = 10
    latency_ms: int = 2000


def parse_delivery(values: Mapping[str, Any], settings: StackSettings) -> DeliverySettings:
    """Validate `<project>:delivery` of the stack's config (string values as the CLI passes them)."""
    reader = _Reader(settings.source, settings.project)
    raw = values.get(f"{settings.project}:delivery")
    given = reader.mapping("delivery", _decode(raw)) if raw is not None else {}
    reader.unknown_keys("delivery.", given, DELIVERY_KEYS)

    stages: tuple[str, ...] = (settings.stack,)
    if "stages" in given:
        value = given["stages"]
        if not isinstance(value, list) or not value:
            raise reader.fail("delivery.stages", f"expected a non-empty list of stage names, got {_type_name(value)}")
        stages = tuple(
            reader.matching(
                f"delivery.stages[{index}]",
                item,
                STAGE,
                "a stage name",
                "1-32 of a-z, 0-9, '-', starting with a letter",
            )
            for index, item in enumerate(value)
        )
        if len(set(stages)) != len(stages):
            raise reader.fail("delivery.stages", "a stage is listed twice")

    canary = CanaryStrategy()
    if "canary" in given:
        body = reader.mapping("delivery.canary", given["canary"])
        reader.unknown_keys("delivery.canary.", body, CANARY_KEYS)
        canary = CanaryStrategy(
            growth_factor=reader.integer("delivery.canary.growthFactor", body.get("growthFactor", 10), 1, 50),
            deployment_minutes=reader.integer(
                "delivery.canary.deploymentMinutes", body.get("deploymentMinutes", 60), 10, 1440
            ),
            final_bake_minutes=reader.integer(
                "delivery.canary.finalBakeMinutes", body.get("finalBakeMinutes", 30), 10, 1440
            ),
        )

    chaos = reader.mapping("delivery.chaos", given["chaos"]) if "chaos" in given else {}
    reader.unknown_keys("delivery.chaos.", chaos, CHAOS_KEYS)
    enabled = settings.role == "primary"
    if "enabled" in chaos:
        if not isinstance(chaos["enabled"], bool):
            raise reader.fail("delivery.chaos.enabled", f"expected a boolean, got {_type_name(chaos['enabled'])}")
        enabled = chaos["enabled"]
    available = EXPERIMENT_KEYS if settings.is_active else STANDBY_EXPERIMENTS
    experiments: tuple[str, ...] = available
    if "experiments" in chaos:
        value = chaos["experiments"]
        if not isinstance(value, list) or not value:
            raise reader.fail(
                "delivery.chaos.experiments", f"expected a non-empty list of experiments, got {_type_name(value)}"
            )
        experiments = tuple(
            reader.string(f"delivery.chaos.experiments[{index}]", item, available) for index, item in enumerate(value)
        )
        if len(set(experiments)) != len(experiments):
            raise reader.fail("delivery.chaos.experiments", "an experiment is listed twice")
    return DeliverySettings(
        stages=stages,
        canary=canary,
        chaos_enabled=enabled,
        experiments=experiments,
        duration_minutes=reader.integer("delivery.chaos.durationMinutes", chaos.get("durationMinutes", 10), 1, 60),
        latency_ms=reader.integer("delivery.chaos.latencyMs", chaos.get("latencyMs", 2000), 100, 30000),
    )


def load_delivery(settings: StackSettings) -> DeliverySettings:
    """The running program's delivery settings (the SDK's config, as the CLI or the offline engine set it)."""
    from pulumi.runtime import config as runtime_config

    values = dict(runtime_config.CONFIG.get()) or dict(runtime_config.get_config_env())
    return parse_delivery(values, settings)


# ---------------------------------------------------------------------------------------------------------------
# `loadTest`: the in-cluster load test of each prod cell (components/delivery/load_test.py).
#
# Keys (under `trust-fabric:loadTest`, primary stack only):
#   cells.<JURISDICTION>.host     https:// base URL of the cell's service under test (the Job egresses HTTPS only)
#   cells.<JURISDICTION>.profile  whose peak-filing-season profile it runs (default: the cell's jurisdiction)
#   timeScale                     1.0: the 50-minute deadline-day shape; above 0, at most 10 (default 1.0)
#   userScale                     1.0: the jurisdiction's peak users; above 0, at most 10 (default 1.0)
# A cell not listed declares no load test.

LOAD_TEST_KEYS = ("cells", "timeScale", "userScale")
LOAD_TEST_CELL_KEYS = ("host", "profile")
LOAD_TEST_HOST = re.compile(r"^https://[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?(:443)?(/[A-Za-z0-9._~/-]*)?$")


@dataclass(frozen=True)
class LoadTestTarget:
    """What one cell's load test runs against."""

    host: str
    profile: str


@dataclass(frozen=True)
class LoadTestSettings:
    """The stack's load tests: a target per cell code (none: the cell declares no load test) and the scales."""

    targets: dict[str, LoadTestTarget]
    time_scale: float = 1.0
    user_scale: float = 1.0


def _scale(reader: _Reader, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise reader.fail(key, f"expected a number, got {_type_name(value)}")
    if not 0 < value <= 10:
        raise reader.fail(key, f"{value} is out of range; allowed: above 0, at most 10")
    return float(value)


def parse_load_test(values: Mapping[str, Any], settings: StackSettings) -> LoadTestSettings:
    """Validate `<project>:loadTest` of the stack's config (string values as the CLI passes them)."""
    from load.profiles import DEADLINES

    reader = _Reader(settings.source, settings.project)
    raw = values.get(f"{settings.project}:loadTest")
    if raw is None:
        return LoadTestSettings(targets={})
    given = reader.mapping("loadTest", _decode(raw))
    reader.unknown_keys("loadTest.", given, LOAD_TEST_KEYS)
    if settings.role != "primary":
        raise reader.fail(
            "loadTest", f"only the primary stack (prod) runs load tests; this stack's role is {settings.role}"
        )
    codes = tuple(cell.code for cell in settings.cells)
    cells = reader.mapping("loadTest.cells", given.get("cells", {}))
    targets: dict[str, LoadTestTarget] = {}
    for code, body in cells.items():
        key = f"loadTest.cells.{code}"
        if code not in codes:
            raise reader.fail(key, f"not a cell of this stack; allowed: {', '.join(codes)}")
        body = reader.mapping(key, body)
        reader.unknown_keys(f"{key}.", body, LOAD_TEST_CELL_KEYS)
        if "host" not in body:
            raise reader.fail(f"{key}.host", "required: the https:// base URL of the cell's service under test")
        host = reader.matching(
            f"{key}.host", body["host"], LOAD_TEST_HOST, "an https URL", "https://host[:443][/path] (HTTPS egress only)"
        )
        profile = reader.string(f"{key}.profile", body.get("profile", code), tuple(DEADLINES))
        targets[code] = LoadTestTarget(host=host.rstrip("/"), profile=profile)
    return LoadTestSettings(
        targets=targets,
        time_scale=_scale(reader, "loadTest.timeScale", given.get("timeScale", 1.0)),
        user_scale=_scale(reader, "loadTest.userScale", given.get("userScale", 1.0)),
    )


def load_load_test(settings: StackSettings) -> LoadTestSettings:
    """The running program's load-test settings (the SDK's config, as the CLI or the offline engine set it)."""
    from pulumi.runtime import config as runtime_config

    values = dict(runtime_config.CONFIG.get()) or dict(runtime_config.get_config_env())
    return parse_load_test(values, settings)


__all__ = [
    "DeliverySettings",
    "LoadTestSettings",
    "LoadTestTarget",
    "SettingsError",
    "load_delivery",
    "load_load_test",
    "parse_delivery",
    "parse_load_test",
]
