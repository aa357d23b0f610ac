"""The SBOMs: the runtime one describes what production runs (no dev extra), the dev one the toolchain."""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.trustfabric.evidence.conftest import DevPackage

DEV_ONLY = ("pytest", "moto", "ruff", "mypy", "import-linter", "playwright", "flask")


def _components(path: Path) -> dict[str, dict[str, Any]]:
    document = json.loads(path.read_text())
    return {component["name"]: component for component in document["components"]}


def _pins(repo_root: Path, group: str | None = None) -> dict[str, tuple[str, frozenset[str]]]:
    project = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]
    lines = project["dependencies"] if group is None else project["optional-dependencies"][group]
    pins = {}
    for line in lines:
        requirement = Requirement(line)
        [specifier] = list(requirement.specifier)
        assert specifier.operator == "==", line
        pins[canonicalize_name(requirement.name)] = (specifier.version, frozenset(requirement.extras))
    return pins


def test_the_runtime_sbom_holds_every_runtime_pin_at_its_version(dev_package: DevPackage, repo_root: Path) -> None:
    components = _components(dev_package.out / "sbom.cdx.json")
    for name, (version, _) in _pins(repo_root).items():
        assert name in components, name
        assert components[name]["version"] == version, name
        assert components[name]["purl"] == f"pkg:pypi/{name}@{version}"
        assert components[name]["scope"] == "required"


def test_the_runtime_sbom_has_no_dev_only_package(dev_package: DevPackage, repo_root: Path) -> None:
    components = _components(dev_package.out / "sbom.cdx.json")
    for name in (*DEV_ONLY, *_pins(repo_root, "dev")):
        assert name not in components, name
    assert "psycopg-binary" in components  # psycopg[binary]: an extra a runtime requirement asks for is followed


def test_the_dev_sbom_marks_the_toolchain_excluded(dev_package: DevPackage, repo_root: Path) -> None:
    runtime = _components(dev_package.out / "sbom.cdx.json")
    development = _components(dev_package.out / "sbom-dev.cdx.json")
    for name, (version, _) in _pins(repo_root, "dev").items():
        assert development[name]["version"] == version, name
        assert development[name]["scope"] == "excluded", name
    assert set(runtime) < set(development)
    assert all(development[name]["scope"] == "required" for name in runtime)


@pytest.mark.parametrize("name", ["sbom.cdx.json", "sbom-dev.cdx.json"])
def test_the_sboms_are_valid_cyclonedx_1_6(dev_package: DevPackage, name: str) -> None:
    text = (dev_package.out / name).read_text()
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    document = json.loads(text)
    assert (document["bomFormat"], document["specVersion"]) == ("CycloneDX", "1.6")
    assert document["metadata"]["component"]["name"] == "trust-fabric"
    refs = {component["bom-ref"] for component in document["components"]}
    root = document["metadata"]["component"]["bom-ref"]
    for dependency in document["dependencies"]:
        assert dependency["ref"] in refs | {root}
        assert set(dependency.get("dependsOn", [])) <= refs


def test_hashes_are_of_the_installed_record_files(dev_package: DevPackage) -> None:
    import importlib.metadata

    components = _components(dev_package.out / "sbom.cdx.json")
    for name in ("pulumi", "cryptography", "jinja2"):
        distribution = importlib.metadata.distribution(name)
        [record] = [path for path in distribution.files or () if path.name == "RECORD"]
        digest = hashlib.sha256(Path(str(distribution.locate_file(record))).read_bytes()).hexdigest()
        assert components[name]["hashes"] == [{"alg": "SHA-256", "content": digest}]
        assert {
            "name": "trustfabric:hash-of",
            "value": (
                "dist-info/RECORD: sha256 of the installed RECORD file, which lists the sha256 of every installed file"
            ),
        } in components[name]["properties"]


def test_licences_come_from_the_metadata(dev_package: DevPackage) -> None:
    components = _components(dev_package.out / "sbom.cdx.json")
    assert components["cryptography"]["licenses"] == [{"expression": "Apache-2.0 OR BSD-3-Clause"}]
    # the trove classifier "BSD License" does not say which BSD licence: kept by name, never guessed
    assert components["jinja2"]["licenses"] == [{"license": {"name": "BSD License"}}]
    assert components["pulumi"]["licenses"] == [{"license": {"id": "Apache-2.0"}}]
