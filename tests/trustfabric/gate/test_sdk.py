"""The adapter to pulumi-policy's private names: pinned to the reviewed release, complete on it, and the only
module of the toolchain that reads them."""

from __future__ import annotations

import re
from pathlib import Path

from trustfabric.gate import sdk
from trustfabric.paths import PYPROJECT

PRIVATE = re.compile(r"_PolicyAnalyzerServicer|_NotApplicableError|_DictProxy|_ListProxy|deserialize_properties")


def test_the_installed_pulumi_policy_is_the_reviewed_release():
    # Another release must be reviewed against the servicer's Analyze/AnalyzeStack before the pin moves:
    # until then the gate falls back to the servicer's own methods (slower, always right).
    assert sdk.SDK_VERSION == sdk.REVIEWED_SDK_VERSION, (
        f"pulumi-policy {sdk.SDK_VERSION} is installed; trustfabric/gate/sdk.py was reviewed against "
        f"{sdk.REVIEWED_SDK_VERSION}: review the servicer's loop and the private names, then move the pin"
    )
    assert f'"pulumi-policy=={sdk.REVIEWED_SDK_VERSION}"' in PYPROJECT.read_text(encoding="utf-8")


def test_every_private_name_the_adapter_reads_exists():
    assert sdk.missing_internals() == []


def test_the_fast_path_is_off_on_any_other_release():
    assert sdk.fast_path_supported(sdk.REVIEWED_SDK_VERSION)
    assert not sdk.fast_path_supported("1.22.0")


def test_no_other_module_reads_the_sdks_private_names():
    toolchain = Path(sdk.__file__).parents[1]
    readers = [
        str(path.relative_to(toolchain))
        for path in sorted(toolchain.rglob("*.py"))
        if path != Path(sdk.__file__) and PRIVATE.search(path.read_text(encoding="utf-8"))
    ]
    assert readers == []
