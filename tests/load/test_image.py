"""The load-test image: the Dockerfile copies exactly `load.image.IMAGE_SOURCES` (and its ignore file admits
them), the base is pinned by digest and the user is not root, the tag is the content hash of those files, and
those files alone run the harness (no module from outside them is imported)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from load.image import IMAGE_SOURCES, REPO_ROOT, content_tag, image_files, main

DOCKERFILE = REPO_ROOT / "load" / "Dockerfile"
IGNORE_FILE = REPO_ROOT / "load" / "Dockerfile.dockerignore"


def _copied_sources() -> set[str]:
    """Every source of the final stage's COPY lines (not the one from the dependencies stage), as globs."""
    sources: set[str] = set()
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("COPY ") and "--from=" not in line:
            *files, _destination = line.split()[1:]
            sources.update("slos/*.yaml" if source == "slos/" else source for source in files)
    return sources


def test_the_dockerfile_copies_exactly_the_image_sources():
    build_inputs = {"load/Dockerfile", "load/requirements.lock"}
    assert _copied_sources() | build_inputs == set(IMAGE_SOURCES)
    assert "COPY load/requirements.lock /tmp/requirements.lock" in DOCKERFILE.read_text(encoding="utf-8")


def test_the_ignore_file_admits_only_the_image_sources():
    lines = [line for line in IGNORE_FILE.read_text(encoding="utf-8").splitlines() if line and line[0] != "#"]
    assert lines[0] == "*"
    assert {line.removeprefix("!") for line in lines[1:]} == set(IMAGE_SOURCES) - {"load/Dockerfile"}


def test_the_base_is_pinned_by_digest_and_the_user_is_not_root():
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim-bookworm@sha256:[0-9a-f]{64}$", text, re.M)
    assert [line for line in text.splitlines() if line.startswith("FROM ")] == [
        "FROM ${PYTHON_IMAGE} AS dependencies",
        "FROM ${PYTHON_IMAGE}",
    ]
    assert "--require-hashes" in text
    assert text.splitlines()[-3] == "USER 10001:10001"


def test_the_tag_is_the_content_hash_of_the_image_files(tmp_path):
    for path in image_files():
        target = tmp_path / path.relative_to(REPO_ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    tag = content_tag(tmp_path)
    assert re.fullmatch(r"[0-9a-f]{32}", tag)
    assert tag == content_tag()
    (tmp_path / "repo-notes.md").write_text("not in the image")
    assert content_tag(tmp_path) == tag
    spec = tmp_path / "slos" / "api-latency.yaml"
    spec.write_text(spec.read_text() + "\n")
    assert content_tag(tmp_path) != tag


def test_a_missing_source_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("load.image.REPO_ROOT", tmp_path)
    monkeypatch.setattr("load.image.content_tag", lambda: content_tag(tmp_path))
    assert main(["tag"]) == 2
    assert capsys.readouterr().err == f"error: load/Dockerfile: no file in {tmp_path}; the load-test image needs it\n"
    assert main(["push"]) == 2


def test_targets_are_the_repositories_of_the_cells_with_a_load_test(capsys):
    assert main(["targets", "prod"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "eu-west-2 trustfabric-prod-uk-load-test",
        "eu-central-1 trustfabric-prod-eu-load-test",
        "us-east-1 trustfabric-prod-us-load-test",
        "ca-central-1 trustfabric-prod-ca-load-test",
    ]
    assert main(["targets", "dev"]) == 0
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("module", ["load.run", "load.locustfile"])
def test_the_image_files_alone_run_the_harness(tmp_path, module):
    for path in image_files():
        target = tmp_path / path.relative_to(REPO_ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    probe = (
        "import sys, importlib, pathlib\n"
        f"importlib.import_module({module!r})\n"
        "from load.thresholds import thresholds_from_slos\n"
        "assert thresholds_from_slos(pathlib.Path('slos'))\n"
        "for name, mod in sorted(sys.modules.items()):\n"
        "    if name.split('.')[0] in ('load', 'slogen', 'domain', 'stacks', 'components', 'trustfabric'):\n"
        "        print(name, pathlib.Path(mod.__file__).resolve())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    outside = [line for line in result.stdout.splitlines() if str(tmp_path.resolve()) not in line.split(" ", 1)[1]]
    assert outside == []
    assert "slogen.spec" in result.stdout
