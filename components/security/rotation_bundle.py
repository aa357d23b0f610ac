"""The archive of a rotation function: its directory in `functions/` plus the pure-Python distributions it imports,
taken from the installed distributions of the running interpreter (`importlib.metadata`).

The database function needs pg8000, which is not in Lambda's runtime; pg8000 and its dependency closure
(scramp, asn1crypto, python-dateutil, six) are pure Python, so the files installed here run on Lambda whatever
machine builds the archive. Members are listed from each distribution's RECORD: its modules and package data,
its METADATA and licence files; never compiled files (`__pycache__`), installer records or scripts. boto3 is
Lambda's own and is never bundled.

The archive is a `pulumi.AssetArchive` of `pulumi.FileAsset`s, its members sorted and its paths relative to the
program's working directory (as Pulumi resolves them), so the same checkout declares the same archive on every
run. A distribution that is missing or ships compiled extensions is refused in one line naming it.

Usage::

    members = bundle_members(FUNCTIONS_DIR / "db_credential_rotation", ("pg8000",))
    code = pulumi.AssetArchive({name: pulumi.FileAsset(path) for name, path in members.items()})
"""

from __future__ import annotations

import importlib.metadata
import os
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

import pulumi
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

FUNCTIONS_DIR = Path(__file__).resolve().parents[2] / "functions"
"""The repository's Lambda functions, one directory each."""
COMPILED_SUFFIXES = (".so", ".pyd", ".dylib")
INSTALLER_FILES = ("RECORD", "INSTALLER", "REQUESTED", "direct_url.json")


def distribution_closure(names: Iterable[str]) -> list[importlib.metadata.Distribution]:
    """The named distributions and everything they require (markers judged for this interpreter, no extras),
    sorted by name; ValueError naming a distribution that is not installed."""
    found: dict[str, importlib.metadata.Distribution] = {}
    pending = list(names)
    while pending:
        name = canonicalize_name(pending.pop())
        if name in found:
            continue
        try:
            distribution = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            raise ValueError(f"rotation bundle: distribution {name!r} is not installed; run: make setup") from None
        found[name] = distribution
        for line in distribution.requires or ():
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                pending.append(requirement.name)
    return [found[name] for name in sorted(found)]


def _wanted(path: PurePosixPath) -> bool:
    if path.parts[0] == ".." or "__pycache__" in path.parts or path.suffix == ".pyc":
        return False
    metadata_dir = path.parts[0].endswith(".dist-info")
    return not (metadata_dir and (len(path.parts) == 2 and path.name in INSTALLER_FILES))


def bundle_members(function_dir: Path, distributions: Iterable[str]) -> dict[str, Path]:
    """Archive member name -> file: the function directory's files at the archive root, then each distribution's
    installed files under their site-packages path."""
    members: dict[str, Path] = {}
    for path in sorted(function_dir.rglob("*")):
        relative = path.relative_to(function_dir)
        if path.is_file() and _wanted(PurePosixPath(relative.as_posix())):
            members[relative.as_posix()] = path
    for distribution in distribution_closure(distributions):
        label = f"{distribution.metadata['Name']} {distribution.version}"
        for file in distribution.files or ():
            member = PurePosixPath(file.as_posix())
            if not _wanted(member):
                continue
            if member.suffix in COMPILED_SUFFIXES:
                raise ValueError(
                    f"rotation bundle: {label} ships compiled code ({member}); only pure Python is bundled"
                )
            members[str(member)] = Path(str(distribution.locate_file(file)))
    if not members:
        raise ValueError(f"rotation bundle: {function_dir} has no files")
    return dict(sorted(members.items()))


def asset_archive(members: Mapping[str, Path], cwd: Path | None = None) -> pulumi.AssetArchive:
    """The members as a Pulumi archive, each path relative to the program's working directory."""
    base = cwd or Path.cwd()
    return pulumi.AssetArchive(
        {name: pulumi.FileAsset(os.path.relpath(path, base)) for name, path in sorted(members.items())}
    )
