"""The database rotation function's archive: one zip built by the program from the handler and pg8000's closure,
the same bytes for the same members, named by their hash, written atomically, declared by a relative path."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import threading
import zipfile
from pathlib import Path

import pytest

from components.security import rotation_bundle
from components.security.rotation import DATABASE_CODE, DATABASE_DISTRIBUTIONS
from components.security.rotation_bundle import BUILD_DIR, build_bundle, bundle_archive, bundle_members
from tests.components.helpers import only
from tests.trustfabric.helpers import SEEDED_PROGRAM, STACK, pack_policies, write_program
from trustfabric.gate.cache import run_key

FUNCTION = "aws:lambda/function:Function"
ARCHIVE_NAME = re.compile(r"^db_credential_rotation-([0-9a-f]{16})\.zip$")


@pytest.fixture
def function_dir(tmp_path: Path) -> Path:
    """A copy of the database function's directory, free to change."""
    copy = tmp_path / "functions" / "db_credential_rotation"
    shutil.copytree(DATABASE_CODE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def _members(function_dir: Path = DATABASE_CODE) -> dict[str, Path]:
    return bundle_members(function_dir, DATABASE_DISTRIBUTIONS)


def test_building_twice_gives_the_same_bytes_under_the_name_of_their_hash(tmp_path: Path) -> None:
    first = build_bundle("db_credential_rotation", _members(), tmp_path / "one")
    second = build_bundle("db_credential_rotation", _members(), tmp_path / "two")
    data = first.read_bytes()
    assert second.read_bytes() == data
    assert first.name == second.name
    match = ARCHIVE_NAME.match(first.name)
    assert match is not None
    assert match.group(1) == hashlib.sha256(data).hexdigest()[:16]


def test_timestamps_modes_and_checkout_times_do_not_reach_the_bytes(tmp_path: Path, function_dir: Path) -> None:
    before = build_bundle("db_credential_rotation", _members(function_dir), tmp_path / "before")
    for path in function_dir.rglob("*"):
        os.utime(path, (1_000_000_000, 1_000_000_000))
        path.chmod(0o755 if path.is_dir() else 0o600)
    after = build_bundle("db_credential_rotation", _members(function_dir), tmp_path / "after")
    assert after.read_bytes() == before.read_bytes()
    with zipfile.ZipFile(after) as archive:
        infos = archive.infolist()
    assert [info.filename for info in infos] == sorted(info.filename for info in infos)
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {info.external_attr >> 16 for info in infos} == {0o100644}
    assert {info.compress_type for info in infos} == {zipfile.ZIP_STORED}


def test_a_changed_member_gives_another_archive_name(tmp_path: Path, function_dir: Path) -> None:
    before = build_bundle("db_credential_rotation", _members(function_dir), tmp_path)
    handler = function_dir / "handler.py"
    handler.write_text(handler.read_text() + "\n# changed\n")
    after = build_bundle("db_credential_rotation", _members(function_dir), tmp_path)
    assert after.name != before.name
    assert ARCHIVE_NAME.match(after.name)
    with zipfile.ZipFile(after) as archive:
        assert archive.read("handler.py").endswith(b"# changed\n")
    assert before.exists()


def test_the_archive_holds_the_handler_and_pg8000_and_its_dependencies_and_nothing_compiled(tmp_path: Path) -> None:
    with zipfile.ZipFile(build_bundle("db_credential_rotation", _members(), tmp_path)) as archive:
        names = archive.namelist()
        assert archive.read("handler.py") == (DATABASE_CODE / "handler.py").read_bytes()
        assert archive.testzip() is None
    assert len(names) == len(set(names))
    packages = {name.split("/", 1)[0] for name in names if "/" in name and ".dist-info" not in name}
    assert packages == {"pg8000", "scramp", "asn1crypto", "dateutil"}
    assert {"handler.py", "pg8000/native.py", "pg8000/core.py", "scramp/core.py", "six.py"} <= set(names)
    assert not [name for name in names if "__pycache__" in name or name.endswith((".pyc", ".so", "/RECORD"))]
    assert not [name for name in names if name.startswith(("boto3", "botocore"))]
    assert not [name for name in names if name.endswith("/")]


def test_the_archive_is_written_through_a_temporary_file_and_os_replace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    replaced: list[tuple[str, str]] = []
    real_replace = os.replace

    def recording(source: str, target: str) -> None:
        assert not Path(target).exists(), "the archive's name appears only once it is complete"
        assert Path(source).parent == Path(target).parent
        replaced.append((Path(source).name, Path(target).name))
        real_replace(source, target)

    monkeypatch.setattr(rotation_bundle.os, "replace", recording)
    path = build_bundle("db_credential_rotation", _members(), tmp_path)
    assert len(replaced) == 1
    assert replaced[0][1] == path.name
    assert replaced[0][0] != path.name
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]
    assert oct(path.stat().st_mode & 0o777) == oct(0o644)
    build_bundle("db_credential_rotation", _members(), tmp_path)
    assert len(replaced) == 1, "an archive already holding these bytes is not written again"


def test_a_failed_write_leaves_neither_a_partial_archive_nor_a_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(source: str, target: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(rotation_bundle.os, "replace", failing)
    with pytest.raises(OSError, match="disk full"):
        build_bundle("db_credential_rotation", _members(), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_stale_file_under_the_archive_name_is_replaced(tmp_path: Path) -> None:
    path = build_bundle("db_credential_rotation", _members(), tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert build_bundle("db_credential_rotation", _members(), tmp_path).read_bytes() == data


def test_concurrent_builders_leave_one_complete_archive(tmp_path: Path) -> None:
    members = _members()
    built: list[Path] = []
    errors: list[BaseException] = []

    def build() -> None:
        try:
            built.append(build_bundle("db_credential_rotation", members, tmp_path))
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=build) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(built)) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [built[0].name]
    with zipfile.ZipFile(built[0]) as archive:
        assert archive.testzip() is None


def test_the_archive_is_declared_by_its_path_relative_to_the_working_directory(tmp_path: Path) -> None:
    archive = bundle_archive(
        DATABASE_CODE, DATABASE_DISTRIBUTIONS, build_dir=tmp_path / "build", cwd=tmp_path / "stacks"
    )
    assert re.fullmatch(r"\.\./build/db_credential_rotation-[0-9a-f]{16}\.zip", archive.path)
    assert (tmp_path / "stacks" / archive.path).resolve().is_file()


def test_the_graph_names_one_archive_in_the_build_dir_by_its_content_hash(prod, dr, dev) -> None:
    paths = set()
    for graph in (prod, dr, dev):
        for resource in graph.of_type(FUNCTION):
            if resource.name.endswith("-rotation-database"):
                code = resource.props["code"]
                assert "assets" not in code, "a file archive, not an archive of assets"
                paths.add(code["path"])
    assert len(paths) == 1
    (path,) = paths
    match = re.fullmatch(r"\.\./build/functions/(db_credential_rotation-[0-9a-f]{16}\.zip)", path)
    assert match is not None
    built = BUILD_DIR / match.group(1)
    assert built.is_file()
    assert built.name == build_bundle("db_credential_rotation", _members(), BUILD_DIR).name
    assert "site-packages" not in path
    assert only(prod, FUNCTION, "uk-rotation-api-key").props["code"]["path"] == "../functions/api_key_rotation"


def test_built_archives_do_not_change_the_gate_run_key(tmp_path: Path) -> None:
    program = write_program(tmp_path, SEEDED_PROGRAM)
    policies = pack_policies()
    before = run_key(program, STACK, policies=policies)
    build_bundle("db_credential_rotation", _members(), program / "build" / "functions")
    assert run_key(program, STACK, policies=policies) == before


def test_a_missing_or_compiled_distribution_is_refused_in_one_line() -> None:
    with pytest.raises(
        ValueError, match=r"^rotation bundle: distribution 'no-such-dist' is not installed; run: make setup$"
    ):
        bundle_members(DATABASE_CODE, ("no-such-dist",))
    with pytest.raises(
        ValueError, match=r"^rotation bundle: PyYAML 6\.0\.4 ships compiled code \(yaml/_yaml\..*\); only pure"
    ):
        bundle_members(DATABASE_CODE, ("PyYAML",))
