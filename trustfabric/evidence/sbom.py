"""CycloneDX 1.6 SBOMs of what runs in production, and of the development toolchain, from installed metadata.

The runtime SBOM is the dependency closure of the project without its dev extra: starting at the installed
`trust-fabric` distribution's `Requires-Dist`, each requirement whose environment marker holds (evaluated for
this interpreter and platform, with `extra` set only to the extras actually requested) is followed to the
installed distribution of that name, and so on. An extra is followed only where a requirement asks for it
(`psycopg[binary]` brings psycopg's `binary` extra); the project's own `dev` extra is never requested, so pytest,
moto, ruff and mypy cannot appear. The dev SBOM is the closure of `trust-fabric[dev]`: the runtime components
with scope `required`, the ones only the dev extra brings with scope `excluded` (CycloneDX: used in development,
not present at run time).

Each component carries its name, version, purl (`pkg:pypi/<name>@<version>`), licence where the metadata
states one (PEP 639 `License-Expression`, else a short `License` field, else the trove classifiers), and one
SHA-256 hash: of the distribution's installed `RECORD` file. Wheels are not kept after installation, so the
wheel's own hash is not available; the RECORD file lists the SHA-256 of every file the wheel installed, so its
hash pins the installed content (property `trustfabric:hash-of` says so on every component). The `dependencies`
section holds the requirement graph.

Usage::

    from trustfabric.evidence.sbom import runtime_closure, write_sboms

    closure = runtime_closure()                         # {"pulumi": Node(...), ...}
    write_sboms(Path("evidence/prod"))                  # sbom.cdx.json and sbom-dev.cdx.json
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import uuid
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cyclonedx.contrib.license.factories import LicenseFactory
from cyclonedx.model import HashAlgorithm, HashType, Property
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component, ComponentScope, ComponentType
from cyclonedx.model.license import License
from cyclonedx.output.json import JsonV1Dot6
from cyclonedx.schema import SchemaVersion
from cyclonedx.spdx import fixup_id
from cyclonedx.validation.json import JsonStrictValidator
from packageurl import PackageURL
from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from ..errors import TrustFabricError

PROJECT = "trust-fabric"
DEV_EXTRA = "dev"
RUNTIME_FILE = "sbom.cdx.json"
DEV_FILE = "sbom-dev.cdx.json"
HASH_OF = "dist-info/RECORD: sha256 of the installed RECORD file, which lists the sha256 of every installed file"
PROPERTY_HASH_OF = "trustfabric:hash-of"
PROPERTY_SCOPE = "trustfabric:sbom-scope"
CLASSIFIER_LICENSES = {
    "Apache Software License": "Apache-2.0",
    "MIT License": "MIT",
    "MIT No Attribution License (MIT-0)": "MIT-0",
    "ISC License (ISCL)": "ISC",
    "Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
    "Python Software Foundation License": "PSF-2.0",
    "GNU Lesser General Public License v2 or later (LGPLv2+)": "LGPL-2.0-or-later",
    "GNU Lesser General Public License v3 (LGPLv3)": "LGPL-3.0-only",
    "GNU Lesser General Public License v3 or later (LGPLv3+)": "LGPL-3.0-or-later",
    "GNU General Public License v2 (GPLv2)": "GPL-2.0-only",
    "GNU General Public License v3 (GPLv3)": "GPL-3.0-only",
    "The Unlicense (Unlicense)": "Unlicense",
}
"""Trove classifier tails (`License :: OSI Approved :: <tail>`) -> SPDX ids; any other is kept by name (e.g.
"BSD License", which does not say which BSD licence: reported as named, never guessed)."""


@dataclass
class Node:
    """One installed distribution in a closure."""

    name: str
    """Canonical (PEP 503) name."""
    version: str
    distribution: importlib.metadata.Distribution
    extras: set[str] = field(default_factory=set)
    """Extras some requirement asked of it."""
    requires: set[str] = field(default_factory=set)
    """Canonical names of the distributions it requires (for the extras asked)."""
    required_by: set[str] = field(default_factory=set)


def _distribution(name: str) -> importlib.metadata.Distribution | None:
    try:
        return importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def _marker_holds(marker: Marker | None, extras: Iterable[str]) -> bool:
    if marker is None:
        return True
    return any(marker.evaluate({"extra": extra}) for extra in ("", *sorted(extras)))


def closure(root: str = PROJECT, extras: Iterable[str] = ()) -> dict[str, Node]:
    """Every installed distribution `root[extras]` requires, transitively (root included), by canonical name.

    Raises TrustFabricError when a required distribution is not installed or a requirement does not parse.
    """
    nodes: dict[str, Node] = {}
    queue: deque[tuple[str, frozenset[str], str]] = deque([(root, frozenset(extras), "")])
    while queue:
        name, wanted, parent = queue.popleft()
        key = canonicalize_name(name)
        node = nodes.get(key)
        if node is None:
            found = _distribution(name)
            if found is None:
                raise TrustFabricError(
                    f"SBOM: {name} (required by {parent or 'the project'}) is not installed; run make setup"
                )
            node = nodes[key] = Node(key, found.version, found)
        elif wanted <= node.extras:
            if parent:
                node.required_by.add(parent)
            continue
        if parent:
            node.required_by.add(parent)
        node.extras |= wanted
        for text in node.distribution.requires or ():
            try:
                requirement = Requirement(text)
            except InvalidRequirement as error:
                raise TrustFabricError(f"SBOM: {key}: Requires-Dist {text!r} does not parse: {error}") from None
            if not _marker_holds(requirement.marker, node.extras):
                continue
            node.requires.add(canonicalize_name(requirement.name))
            queue.append((requirement.name, frozenset(requirement.extras), key))
    return nodes


def runtime_closure() -> dict[str, Node]:
    """The project without its dev extra (what production runs)."""
    return closure(PROJECT)


def dev_closure() -> dict[str, Node]:
    """The project with its dev extra (the development and CI toolchain)."""
    return closure(PROJECT, (DEV_EXTRA,))


# ------------------------------------------------------------------------------------------------------------
# Components


def record_sha256(distribution: importlib.metadata.Distribution) -> str | None:
    """SHA-256 of the distribution's installed RECORD file, or None when it has none."""
    for path in distribution.files or ():
        if path.name == "RECORD" and path.parent.name.endswith(".dist-info"):
            located = Path(str(distribution.locate_file(path)))
            if located.is_file():
                return hashlib.sha256(located.read_bytes()).hexdigest()
    return None


def _classifier(tail: str) -> License:
    factory = LicenseFactory()
    spdx = CLASSIFIER_LICENSES.get(tail)
    if spdx and fixup_id(spdx):
        return factory.make_with_id(spdx)
    return factory.make_with_name(tail)


def _field(distribution: importlib.metadata.Distribution, name: str) -> str:
    values = distribution.metadata.get_all(name) or []
    return str(values[0]).strip() if values else ""


def licenses(distribution: importlib.metadata.Distribution) -> list[License]:
    """The licence the metadata states: License-Expression, a short License field, or its trove classifiers."""
    factory = LicenseFactory()
    expression = _field(distribution, "License-Expression")
    if expression:
        return [factory.make_from_string(expression)]
    text = _field(distribution, "License")
    if text and "\n" not in text and len(text) <= 100 and text.upper() not in ("UNKNOWN", "NONE"):
        return [factory.make_from_string(text)]
    prefix = "License :: OSI Approved :: "
    tails = [
        value[len(prefix) :] if value.startswith(prefix) else value.rsplit(" :: ", 1)[-1]
        for value in distribution.metadata.get_all("Classifier") or ()
        if value.startswith("License ::")
    ]
    return [_classifier(tail) for tail in tails if tail != "OSI Approved"]


def component(node: Node, scope: ComponentScope) -> Component:
    """A CycloneDX library component for an installed distribution."""
    digest = record_sha256(node.distribution)
    return Component(
        type=ComponentType.LIBRARY,
        name=node.name,
        version=node.version,
        bom_ref=f"pkg:pypi/{node.name}@{node.version}",
        purl=PackageURL(type="pypi", name=node.name, version=node.version),
        scope=scope,
        description=_field(node.distribution, "Summary") or None,
        licenses=licenses(node.distribution),
        hashes=[HashType(alg=HashAlgorithm.SHA_256, content=digest)] if digest else [],
        properties=[Property(name=PROPERTY_HASH_OF, value=HASH_OF if digest else "none: no RECORD file")],
    )


def build_bom(
    nodes: dict[str, Node],
    *,
    runtime: set[str],
    label: str,
    when: dt.datetime | None = None,
    serial_number: uuid.UUID | None = None,
) -> Bom:
    """A BOM of `nodes` (the project as the metadata component); names not in `runtime` get scope excluded.
    `serial_number` defaults to a random one (each BOM is a new document)."""
    root_node = nodes[canonicalize_name(PROJECT)]
    root = component(root_node, ComponentScope.REQUIRED)
    root.type = ComponentType.APPLICATION
    bom = Bom(serial_number=serial_number)
    bom.metadata.component = root
    bom.metadata.timestamp = when or dt.datetime.now(dt.UTC)
    bom.metadata.properties.add(Property(name=PROPERTY_SCOPE, value=label))
    by_name = {root_node.name: root}
    for name in sorted(nodes):
        if name == root_node.name:
            continue
        scope = ComponentScope.REQUIRED if name in runtime else ComponentScope.EXCLUDED
        by_name[name] = component(nodes[name], scope)
        bom.components.add(by_name[name])
    for name, node in nodes.items():
        bom.register_dependency(by_name[name], [by_name[required] for required in sorted(node.requires)])
    return bom


def serialize(bom: Bom) -> str:
    """The BOM as CycloneDX 1.6 JSON, checked against the specification's JSON schema (strict)."""
    text = JsonV1Dot6(bom).output_as_string(indent=2)
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    if error is not None:
        raise TrustFabricError(f"SBOM: not valid CycloneDX 1.6: {error}")
    return text + "\n"


_SENTINEL_TIME = dt.datetime(1970, 1, 1, 0, 0, 3, tzinfo=dt.UTC)
_SENTINEL_SERIAL = uuid.UUID("00000000-0000-4000-8000-000000000000")


def _variables(when: dt.datetime, serial_number: uuid.UUID) -> list[str]:
    """The strings of a BOM that follow its time and serial number, as CycloneDX JSON writes them (a time in
    whole seconds with its zone: ISO 8601)."""
    return [when.isoformat(), serial_number.urn]


def _bom_text(kind: str, *, slot: str, when: dt.datetime | None) -> str:
    """The runtime (`kind` "runtime") or development SBOM, from the template an earlier build of the same
    installed distributions kept when there is one (trustfabric.evidence.derived), else built and checked."""
    from . import derived

    moment = when or dt.datetime.now(dt.UTC)
    serial_number = uuid.uuid4()

    def build(at: dt.datetime, serial: uuid.UUID) -> str:
        runtime = runtime_closure()
        nodes = runtime if kind == "runtime" else dev_closure()
        return serialize(build_bom(nodes, runtime=set(runtime), label=kind, when=at, serial_number=serial))

    if not derived.enabled() or moment.tzinfo is None or moment.microsecond:
        return build(moment, serial_number)
    key = derived.document_key(f"sbom-{kind}", slot=slot, data=kind.encode())
    sentinels = _variables(_SENTINEL_TIME, _SENTINEL_SERIAL)
    replacements = dict(zip(sentinels, _variables(moment, serial_number), strict=True))
    template = derived.load_template(key)
    if template is None:
        template = build(_SENTINEL_TIME, _SENTINEL_SERIAL).encode()
        if not derived.holds_every(template, sentinels):
            return build(moment, serial_number)
        derived.store_template(key, template)
    return derived.substitute(template, replacements).decode()


def write_sboms(out: Path, *, when: dt.datetime | None = None, slot: str = "") -> tuple[Path, Path]:
    """Write the runtime SBOM (`sbom.cdx.json`) and the dev toolchain SBOM (`sbom-dev.cdx.json`) into `out`.
    `slot` names the evidence-cache entry (trustfabric.evidence.derived) the templates are kept in."""
    moment = when or dt.datetime.now(dt.UTC)
    runtime_path, dev_path = out / RUNTIME_FILE, out / DEV_FILE
    runtime_path.write_text(_bom_text("runtime", slot=slot, when=moment), encoding="utf-8")
    dev_path.write_text(_bom_text("development", slot=slot, when=moment), encoding="utf-8")
    return runtime_path, dev_path


__all__ = [
    "DEV_FILE",
    "HASH_OF",
    "RUNTIME_FILE",
    "Node",
    "build_bom",
    "closure",
    "component",
    "dev_closure",
    "licenses",
    "record_sha256",
    "runtime_closure",
    "serialize",
    "write_sboms",
]
