"""The archive of a rotation function: its directory in `functions/` plus the pure-Python distributions it imports,
taken from the installed distributions of the running interpreter (`importlib.metadata`).

The database function needs pg8000, which is not in Lambda's runtime; pg8000 and its dependency closure
(scramp, asn1crypto, python-dateutil, six) are pure Python, so the files installed here run on Lambda whatever
machine builds the archive. Members are listed from each distribution's RECORD: its modules and package data,
its METADATA and licence files; never compiled files (`__pycache__`), installer records or scripts. boto3 is
Lambda's own and is never bundled.

The archive is one zip file the program builds (`build_bundle`): members in sorted order, each with the same
timestamp (1980-01-01 00:00, the earliest zip can record), mode 0644 and no compression (stored, so the bytes
do not depend on the zlib the interpreter links), so the same members give the same bytes on every machine.
It is written atomically (a temporary file, then `os.replace`: parallel runs may build it at once) to
`build/functions/<function>-<sha256[:16]>.zip` in the program dir (ignored by git and by the gate-run cache
key) and declared as a `pulumi.FileArchive` of that path relative to the program's working directory, as Pulumi
resolves it: a graph snapshot names one path, which changes exactly when the content does, wherever the
virtualenv is. A distribution that is missing or ships compiled extensions is refused in one line naming it.

Usage::

    code = bundle_archive(FUNCTIONS_DIR / "db_credential_rotation", ("pg8000",))
    # pulumi.FileArchive("../build/functions/db_credential_rotation-<hash>.zip") with `stacks/` as cwd
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
import os
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

import pulumi
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

FUNCTIONS_DIR = Path(__file__).resolve().parents[2] / "functions"
"""The repository's Lambda functions, one directory each."""
BUILD_DIR = FUNCTIONS_DIR.parent / "build" / "functions"
"""Where the program writes the functions' built archives (git-ignored; not an input of a gate run)."""
COMPILED_SUFFIXES = (".so", ".pyd", ".dylib")
INSTALLER_FILES = ("RECORD", "INSTALLER", "REQUESTED", "direct_url.json")
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
"""Every member's modification time: the earliest a zip records, so no clock or checkout time leaks in."""
ZIP_MODE = 0o100644
"""Every member's mode (a regular file, readable by the Lambda runtime's user), whatever the installed file's."""
HASH_LENGTH = 16
"""Hex digits of the archive's SHA-256 in its file name."""


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


def archive_bytes(members: Mapping[str, Path]) -> bytes:
    """The members as zip bytes: sorted by name, stored, each with `ZIP_TIMESTAMP` and `ZIP_MODE`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, path in sorted(members.items()):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
            info.create_system = 3  # Unix, so `external_attr` carries the mode on every platform
            info.external_attr = ZIP_MODE << 16
            info.compress_type = zipfile.ZIP_STORED
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def build_bundle(name: str, members: Mapping[str, Path], build_dir: Path = BUILD_DIR) -> Path:
    """Write the members' zip to `<build_dir>/<name>-<sha256[:16]>.zip` unless that file already holds these
    bytes, through a temporary file in the same directory and `os.replace` (a reader never sees a partial
    archive; concurrent builders write the same bytes). Returns the archive's path."""
    data = archive_bytes(members)
    target = build_dir / f"{name}-{hashlib.sha256(data).hexdigest()[:HASH_LENGTH]}.zip"
    try:
        if target.read_bytes() == data:
            return target
    except OSError:
        pass
    build_dir.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=build_dir)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def bundle_archive(
    function_dir: Path,
    distributions: Iterable[str],
    *,
    build_dir: Path = BUILD_DIR,
    cwd: Path | None = None,
) -> pulumi.FileArchive:
    """The function's built archive (`build_bundle` of `bundle_members`, named after its directory) as a Pulumi
    archive whose path is relative to the program's working directory."""
    path = build_bundle(function_dir.name, bundle_members(function_dir, distributions), build_dir)
    return pulumi.FileArchive(os.path.relpath(path, cwd or Path.cwd()))
