"""The CrossGuard policy pack the Pulumi CLI runs: `pulumi preview --policy-pack policies/`.

This is the only place a PolicyPack is constructed: its constructor starts the analyzer's gRPC server and
prints its port on stdout, which is how the CLI finds it.

How the CLI starts it: the Python language host runs `<virtualenv>/bin/python -u -m pulumi.policy <engine
address> <pack dir>` with the pack directory as working directory, and `pulumi.policy` runs this file by path.
The pack directory is then not importable as a package by its own name (a published pack is extracted into a
directory named after its version), so this file registers the directory it lives in as the package
`policies` before importing anything from it; nothing else is put on `sys.path`. The pack imports nothing from
the repository around it: shared facts ship inside it as data (`lib/facts.json`, `lib/aws_taggable.json`).

Virtualenv (`PulumiPolicy.yaml`, `runtime.options.virtualenv: venv`): a directory `venv` inside the pack, built
from the pack's own `requirements.txt`. For a published pack the CLI builds it when it installs the pack (in
the pack's versioned directory); in this repository build it once with
`python3 -m venv policies/venv && policies/venv/bin/pip install -r policies/requirements.txt`
(`policies/.gitignore` keeps it out of git and out of a published archive).

Exemptions: `exemptions.yaml` ships in the pack. A violation a live exemption covers (policy name and the
resource's logical name or URN, through the day of `expires`) is not reported; a malformed file stops the pack
with one line on stderr (exit 2). `trustfabric check` reads the same file and lists such findings apart.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from pulumi_policy import Policy

PACK_DIR = Path(__file__).resolve().parent
PACKAGE = "policies"


def register_pack() -> None:
    """Make the pack directory importable as `policies`, whatever the directory is called."""
    loaded = sys.modules.get(PACKAGE)
    if loaded is not None and Path(getattr(loaded, "__file__", "") or "").resolve().parent == PACK_DIR:
        return
    spec = importlib.util.spec_from_file_location(
        PACKAGE, PACK_DIR / "__init__.py", submodule_search_locations=[str(PACK_DIR)]
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"{PACK_DIR}: cannot load the policy pack as a package")
    package = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE] = package
    spec.loader.exec_module(package)
    # `pulumi.policy` put the pack directory itself first on sys.path: its folders (kubernetes, lib, stack ...)
    # must not shadow installed distributions of the same top-level name.
    sys.path[:] = [entry for entry in sys.path if not entry or Path(entry).resolve() != PACK_DIR]


def served_policies() -> list[Policy]:
    """Every registered policy, with the pack's live exemptions applied."""
    from policies.lib.exemptions import ExemptionError, exempting, load_exemptions
    from policies.registry import all_policies

    registered = list(all_policies())
    try:
        exemptions = load_exemptions(PACK_DIR / "exemptions.yaml", {policy.name for policy in registered})
    except ExemptionError as error:
        print(error, file=sys.stderr)
        raise SystemExit(2) from None
    return exempting(registered, exemptions)


if __name__ == "__main__":
    register_pack()

    from pulumi_policy import EnforcementLevel, PolicyPack

    from policies.registry import PACK_NAME

    PolicyPack(
        name=PACK_NAME,
        policies=served_policies(),
        enforcement_level=EnforcementLevel.MANDATORY,
        description="Encryption, residency, least privilege, backup and retention for Trust Fabric stacks.",
        display_name="Trust Fabric",
        provider="aws",
        tags=["soc2", "iso27001", "gdpr", "cis-aws"],
    )
