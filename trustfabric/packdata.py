"""The policy pack's data files, generated: shared facts from `domain/` and the taggable pulumi-aws types.

The pack (`policies/`) never imports the repository's other layers, so what it shares with them reaches it as
data inside the pack:

- `policies/lib/facts.json`: the residency table (`domain.residency`), the tag contract (`domain.tags`) and the
  recovery tiers' objectives (`domain.tiers`);
- `policies/lib/aws_taggable.json`: every pulumi-aws resource type whose constructor takes `tags`, found by
  public introspection of the installed pulumi_aws (each resource class's type token, `pulumi.get_type_token`,
  and its constructor's overloads, `typing.get_overloads`), so the pack needs no pulumi-aws at run time.

Usage::

    python -m trustfabric.packdata            # write both files
    python -m trustfabric.packdata --check    # exit 1 when either is stale (one line on stderr)
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import pkgutil
import sys
import typing
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

from .paths import REPO_ROOT

PACK_LIB = REPO_ROOT / "policies" / "lib"
FACTS_PATH = PACK_LIB / "facts.json"
TAGGABLE_PATH = PACK_LIB / "aws_taggable.json"
REGENERATE = "python -m trustfabric.packdata"


def facts_document() -> dict[str, Any]:
    """The shared facts, in the shape `policies/lib/facts.py` reads."""
    from domain import residency, retention, tags, tiers

    return {
        "about": f"Generated from domain/ by `{REGENERATE}`; do not edit.",
        "residency": residency.as_policy_config(),
        "tags": {
            "jurisdiction": tags.JURISDICTION,
            "data_classification": tags.DATA_CLASSIFICATION,
            "owner": tags.OWNER,
            "stack": tags.STACK,
            "cell": tags.CELL,
            "backup_tier": tags.BACKUP_TIER,
            "required": list(tags.REQUIRED_TAGS),
            "classifications": list(tags.CLASSIFICATIONS),
        },
        "tiers": {
            name: {
                "description": tier.description,
                "rpo_minutes": tier.rpo_minutes,
                "rto_minutes": tier.rto_minutes,
                "failover_rpo_minutes": tier.failover_rpo_minutes,
                "failover_rto_minutes": tier.failover_rto_minutes,
            }
            for name, tier in tiers.TIERS.items()
        },
        "retention": retention.as_policy_config(),
    }


def aws_resource_classes() -> dict[str, type]:
    """Every resource class of the installed pulumi_aws (providers excluded), by type token."""
    import pulumi
    import pulumi_aws

    found: dict[str, type] = {}
    for info in pkgutil.iter_modules(pulumi_aws.__path__, "pulumi_aws."):
        if not info.ispkg or info.name.rsplit(".", 1)[-1].startswith("_") or info.name == "pulumi_aws.config":
            continue
        package = importlib.import_module(info.name)
        getattr(package, "__all__", None)  # pulumi_aws imports its packages lazily: the first attribute loads one
        for value in list(vars(package).values()):
            if (
                inspect.isclass(value)
                and value.__module__.startswith(f"{info.name}.")
                and issubclass(value, pulumi.CustomResource)
                and not issubclass(value, pulumi.ProviderResource)
            ):
                token = pulumi.get_type_token(value)
                if token is None:
                    raise RuntimeError(f"{value.__module__}.{value.__qualname__}: no type token")
                found[token] = value
    if not found:
        raise RuntimeError("pulumi_aws: no resource classes found")
    return found


def takes_tags(resource_class: type) -> bool:
    """True when one of the class's constructor overloads (its documented signatures) has a `tags` parameter."""
    overloads = typing.get_overloads(resource_class.__init__)  # type: ignore[misc]
    if not overloads:
        raise RuntimeError(f"{resource_class.__module__}.{resource_class.__qualname__}: no constructor overloads")
    return any("tags" in inspect.signature(overload).parameters for overload in overloads)


def taggable_document() -> dict[str, Any]:
    """The taggable pulumi-aws resource types, in the shape `policies/lib/taggable.py` reads."""
    aws_version = version("pulumi-aws")
    classes = aws_resource_classes()
    return {
        "about": f"Generated from pulumi-aws {aws_version} by `{REGENERATE}`; do not edit.",
        "pulumi_aws": aws_version,
        "taggable": sorted(token for token, resource_class in classes.items() if takes_tags(resource_class)),
    }


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def expected_files() -> dict[Path, str]:
    return {FACTS_PATH: render(facts_document()), TAGGABLE_PATH: render(taggable_document())}


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def main(argv: Sequence[str] | None = None) -> int:
    """Write the pack's data files, or with --check fail (exit 1) when either differs from its sources."""
    parser = argparse.ArgumentParser(prog=f"{REGENERATE}", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when a file is stale instead of writing")
    args = parser.parse_args(argv)
    expected = expected_files()
    if args.check:
        stale = [
            _relative(path)
            for path, text in expected.items()
            if not path.is_file() or path.read_text(encoding="utf-8") != text
        ]
        if stale:
            print(f"{', '.join(stale)}: stale pack data; run {REGENERATE}", file=sys.stderr)
            return 1
        print("pack data up to date", file=sys.stderr)
        return 0
    for path, text in expected.items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {_relative(path)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
