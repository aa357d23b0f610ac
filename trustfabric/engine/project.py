"""Project and stack files: what `Pulumi.yaml` and `Pulumi.<stack>.yaml` tell the engine, as the CLI reads them.

Usage::

    from trustfabric.engine.project import load_project, load_stack_config

    project = load_project("path/to/program")
    config = load_stack_config(project, "prod")      # namespaced keys, string values, secrets as placeholders
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError


@dataclass(frozen=True)
class Project:
    """What `Pulumi.yaml` says about a program."""

    name: str
    directory: Path
    main: Path
    """The file the language host runs: `main:` (a file, or a directory's `__main__.py`) or `__main__.py`."""
    config_defaults: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StackConfig:
    """A stack's config, namespaced (`project:key`, `aws:region`) with string values, as the CLI passes it."""

    file: Path
    values: dict[str, str]
    secret_keys: frozenset[str]

    def redacted(self) -> dict[str, Any]:
        return {key: ("[secret]" if key in self.secret_keys else value) for key, value in self.values.items()}


def _load_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ConfigError(f"{path}{where}: YAML syntax error: {problem}") from None


def load_project(program_dir: str | os.PathLike[str]) -> Project:
    """Read `Pulumi.yaml` (or `Pulumi.yml`) and resolve the program's entry file."""
    directory = Path(program_dir).resolve()
    if not directory.is_dir():
        raise ConfigError(f"{program_dir}: program directory does not exist")
    path = next((directory / n for n in ("Pulumi.yaml", "Pulumi.yml") if (directory / n).is_file()), None)
    if path is None:
        raise ConfigError(f"{directory}: no Pulumi.yaml; a Pulumi program directory needs one")
    data = _load_yaml(path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping with at least 'name' and 'runtime'")
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise ConfigError(f"{path}: name: required, a non-empty string")
    runtime = data.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name != "python":
        raise ConfigError(f"{path}: runtime: {runtime_name!r} is not supported; allowed: python")
    main_value = data.get("main")
    if main_value is None:
        main = directory / "__main__.py"
    else:
        if not isinstance(main_value, str):
            raise ConfigError(f"{path}: main: expected a path string, got {type(main_value).__name__}")
        main = (directory / main_value).resolve()
        if main.is_dir():
            main = main / "__main__.py"
    if not main.is_file():
        raise ConfigError(f"{path}: main: program entry {main} does not exist")
    defaults: dict[str, Any] = {}
    config_block = data.get("config") or {}
    if not isinstance(config_block, dict):
        raise ConfigError(f"{path}: config: expected a mapping of keys to values")
    for key, value in config_block.items():
        if isinstance(value, dict) and ("default" in value or "value" in value):
            value = value.get("value", value.get("default"))
        elif isinstance(value, dict) and "type" in value:
            continue  # a declared key with no default
        defaults[_namespaced(str(key), name)] = value
    return Project(name=name, directory=directory, main=main, config_defaults=defaults)


def _namespaced(key: str, project: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def _placeholder_secret(key: str) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return f"placeholder-secret-{digest}"


def _config_value(key: str, value: Any, path: Path) -> tuple[str, bool]:
    """A config value as the CLI passes it to the program: a string, JSON for structured values."""
    found_secret = False

    def convert(item: Any, where: str) -> Any:
        nonlocal found_secret
        if isinstance(item, dict):
            if set(item) == {"secure"}:
                found_secret = True
                return _placeholder_secret(where)
            return {str(k): convert(v, f"{where}.{k}") for k, v in item.items()}
        if isinstance(item, list):
            return [convert(v, f"{where}[{i}]") for i, v in enumerate(item)]
        if item is None or isinstance(item, (str, bool, int, float)):
            return item
        # Dates and other YAML scalars the CLI would read as strings.
        return str(item)

    converted = convert(value, key)
    if isinstance(converted, str):
        return converted, found_secret
    if isinstance(converted, bool):
        return ("true" if converted else "false"), found_secret
    if isinstance(converted, (int, float)):
        return str(converted), found_secret
    if converted is None:
        raise ConfigError(f"{path}: {key}: has no value")
    return json.dumps(converted), found_secret


def load_stack_config(project: Project, stack: str) -> StackConfig:
    """Read `Pulumi.<stack>.yaml`: namespaced keys, structured values as JSON, `secure:` as placeholder secrets."""
    if not stack or any(ch in stack for ch in "/\\") or stack.startswith("."):
        raise ConfigError(f"--stack: {stack!r} is not a valid stack name")
    path = project.directory / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        available = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in project.directory.glob("Pulumi.*.yaml"))
        raise ConfigError(
            f"{path}: no such stack file for stack {stack!r}; stacks here: {', '.join(available) or 'none'}"
        )
    data = _load_yaml(path) or {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping with a 'config' key")
    raw = data.get("config") or {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: config: expected a mapping of keys to values")
    values: dict[str, str] = {}
    secret_keys: set[str] = set()
    merged: dict[str, Any] = dict(project.config_defaults)
    for key, value in raw.items():
        merged[_namespaced(str(key), project.name)] = value
    for key, value in merged.items():
        text, is_secret = _config_value(key, value, path)
        values[key] = text
        if is_secret:
            secret_keys.add(key)
    return StackConfig(file=path, values=values, secret_keys=frozenset(secret_keys))


__all__ = ["Project", "StackConfig", "load_project", "load_stack_config"]
