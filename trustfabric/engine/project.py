"""Project and stack files: what `Pulumi.yaml` and `Pulumi.<stack>.yaml` tell the engine, as the CLI reads them.

Both files are read strictly (`domain.strict_yaml`, dates kept as the strings written, as the Pulumi CLI reads
them), and everything that would otherwise be accepted silently is bad input naming the file and the key:

- a key written twice, a byte that is not UTF-8, nesting too deep, an over-long integer;
- a misspelled top-level key (`configs:`), or a config namespace one typo away from a known one
  (`trust-fabirc:role`: the project's name, `pulumi`, or an installed provider's, such as `aws`);
- an `aws:region` that is not an AWS region;
- a secret written in plain text (`trustfabric.engine.plaintext`): the message names the key and the
  `pulumi config set --secret` command, never the value.

Usage::

    from trustfabric.engine.project import load_project, load_stack_config

    project = load_project("path/to/program")
    config = load_stack_config(project, "prod")      # namespaced keys, string values, secrets as placeholders
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from domain.strict_yaml import TextProblem, YamlProblem, decode_utf8, load_yaml

from ..errors import ConfigError
from .plaintext import find_plaintext_secrets, set_secret_command

STACK_FILE_KEYS = ("config", "environment", "secretsprovider", "encryptedkey", "encryptionsalt")
"""Top-level keys of a stack file (Pulumi's `ProjectStack`)."""
PROJECT_FILE_KEYS = (
    "name",
    "runtime",
    "description",
    "main",
    "config",
    "stackConfigDir",
    "backend",
    "options",
    "template",
    "plugins",
    "packages",
    "author",
    "website",
    "license",
)
"""Top-level keys of `Pulumi.yaml` (Pulumi's project schema); only near misses of these are refused, since the
schema grows."""
BUILTIN_NAMESPACES = ("pulumi",)


@dataclass(frozen=True)
class Project:
    """What `Pulumi.yaml` says about a program."""

    name: str
    directory: Path
    main: Path
    """The file the language host runs: `main:` (a file, or a directory's `__main__.py`) or `__main__.py`."""
    config_defaults: dict[str, Any] = field(default_factory=dict)
    file: Path | None = None
    """The project file itself (`Pulumi.yaml` or `Pulumi.yml`)."""
    virtualenv: Path | None = None
    """`runtime.options.virtualenv`, resolved against the program dir: the interpreter the CLI runs it in."""
    toolchain: str = "pip"
    """`runtime.options.toolchain`: pip (the default), poetry or uv."""


@dataclass(frozen=True)
class StackConfig:
    """A stack's config, namespaced (`project:key`, `aws:region`) with string values, as the CLI passes it."""

    file: Path
    values: dict[str, str]
    secret_keys: frozenset[str]
    secret_values: frozenset[str] = frozenset()
    """The placeholders standing for `secure:` values: no output may hold one (`plaintext.conceal`)."""

    def redacted(self) -> dict[str, Any]:
        return {key: ("[secret]" if key in self.secret_keys else value) for key, value in self.values.items()}


def _key_path(problem: YamlProblem) -> str:
    """A stack file's key path as messages name keys: `trust-fabric:cells[0]`, without the `config.` prefix."""
    path = problem.path
    return path[len("config.") :] if path.startswith("config.") else path


def _load_yaml(path: Path) -> Any:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None
    try:
        text = decode_utf8(data)
    except TextProblem as problem:
        raise ConfigError(f"{path}: {problem}") from None
    try:
        return load_yaml(text, timestamps=False)
    except YamlProblem as problem:
        key = _key_path(problem)
        line = f":{problem.line}" if problem.line else ""
        raise ConfigError(f"{path}{line}: {key + ': ' if key else ''}{problem.problem}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        problem_text = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ConfigError(f"{path}{where}: YAML syntax error: {problem_text}") from None


def _unknown_key(path: Path, key: object, allowed: tuple[str, ...], *, near_misses_only: bool) -> None:
    name = str(key)
    close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.75)
    if near_misses_only and not close:
        return
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise ConfigError(f"{path}: {_shown_key(name)}: unknown key; {hint}allowed: {', '.join(allowed)}")


def _shown_key(name: str, limit: int = 60) -> str:
    return name if len(name) <= limit else f"{name[:limit]}..."


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
    for key in data:
        if key not in PROJECT_FILE_KEYS:
            _unknown_key(path, key, PROJECT_FILE_KEYS, near_misses_only=True)
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise ConfigError(f"{path}: name: required, a non-empty string")
    runtime = data.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name != "python":
        raise ConfigError(f"{path}: runtime: {runtime_name!r} is not supported; allowed: python")
    virtualenv, toolchain = _runtime_options(path, directory, runtime)
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
    _check_config(path, name, defaults, in_project_file=True)
    return Project(
        name=name,
        directory=directory,
        main=main,
        config_defaults=defaults,
        file=path,
        virtualenv=virtualenv,
        toolchain=toolchain,
    )


TOOLCHAINS = ("pip", "poetry", "uv")


def _runtime_options(path: Path, directory: Path, runtime: Any) -> tuple[Path | None, str]:
    """`runtime.options.virtualenv` (resolved against the program dir) and `runtime.options.toolchain`."""
    options = runtime.get("options") if isinstance(runtime, dict) else None
    if options is None:
        return None, "pip"
    if not isinstance(options, dict):
        raise ConfigError(f"{path}: runtime.options: expected a mapping (virtualenv, toolchain, ...)")
    toolchain = options.get("toolchain", "pip")
    if toolchain not in TOOLCHAINS:
        raise ConfigError(f"{path}: runtime.options.toolchain: {toolchain!r} is not one of {', '.join(TOOLCHAINS)}")
    virtualenv = options.get("virtualenv")
    if virtualenv is None:
        return None, str(toolchain)
    if not isinstance(virtualenv, str) or not virtualenv.strip():
        raise ConfigError(f"{path}: runtime.options.virtualenv: expected a directory path, got {virtualenv!r}")
    return (directory / virtualenv).resolve(), str(toolchain)


def _namespaced(key: str, project: str) -> str:
    return key if ":" in key else f"{project}:{key}"


@functools.cache
def _provider_namespaces() -> tuple[str, ...]:
    """Config namespaces of the installed Pulumi provider SDKs (`pulumi_aws` -> `aws`)."""
    names: set[str] = set()
    for distribution in metadata.distributions():
        name = (distribution.metadata["Name"] or "").lower().replace("_", "-")
        if name.startswith("pulumi-") and name not in ("pulumi-policy",):
            names.add(name[len("pulumi-") :])
    return tuple(sorted(names))


def _check_namespaces(path: Path, project: str, keys: Iterable[str]) -> None:
    known = (project, *BUILTIN_NAMESPACES, *_provider_namespaces())
    for key in keys:
        namespace, _, rest = key.partition(":")
        if namespace in known:
            continue
        close = difflib.get_close_matches(namespace, known, n=1, cutoff=0.75)
        if close:
            raise ConfigError(
                f"{path}: {_shown_key(key)}: unknown config namespace {_shown_key(namespace)!r}; "
                f"did you mean '{close[0]}:{_shown_key(rest)}'?"
            )


_REGION_KEY = "aws:region"


def _check_config(path: Path, project: str, config: Mapping[str, Any], *, in_project_file: bool = False) -> None:
    """Namespaces, `aws:region`, and plain-text secrets: bad input naming the file and the key."""
    _check_namespaces(path, project, config)
    region = config.get(_REGION_KEY)
    if region is not None:
        from ..aws_regions import is_aws_region

        if not isinstance(region, str) or not is_aws_region(region):
            shown = repr(region) if len(repr(region)) <= 40 else f"{repr(region)[:40]}...'"
            raise ConfigError(f"{path}: {_REGION_KEY}: {shown} is not an AWS region; e.g. eu-west-2")
    for key, value in config.items():
        for secret_path, reason in find_plaintext_secrets(key, value):
            where = "a secret cannot be a project default; " if in_project_file else ""
            raise ConfigError(
                f"{path}: {secret_path}: a secret in plain text ({reason}); {where}store it encrypted: "
                f"{set_secret_command(secret_path)}"
            )


def _placeholder_secret(key: str) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return f"placeholder-secret-{digest}"


def _config_value(key: str, value: Any, path: Path) -> tuple[str, set[str]]:
    """A config value as the CLI passes it to the program: a string, JSON for structured values; and the
    placeholders of the `secure:` values it holds."""
    placeholders: set[str] = set()

    def convert(item: Any, where: str) -> Any:
        if isinstance(item, dict):
            if set(item) == {"secure"}:
                placeholder = _placeholder_secret(where)
                placeholders.add(placeholder)
                return placeholder
            return {str(k): convert(v, f"{where}.{k}") for k, v in item.items()}
        if isinstance(item, list):
            return [convert(v, f"{where}[{i}]") for i, v in enumerate(item)]
        if item is None or isinstance(item, (str, bool, int, float)):
            return item
        # Other YAML scalars the CLI would read as strings.
        return str(item)

    converted = convert(value, key)
    if isinstance(converted, str):
        return converted, placeholders
    if isinstance(converted, bool):
        return ("true" if converted else "false"), placeholders
    if isinstance(converted, (int, float)):
        return str(converted), placeholders
    if converted is None:
        raise ConfigError(f"{path}: {key}: has no value")
    return json.dumps(converted), placeholders


_STACK_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


def check_stack_name(stack: str) -> str:
    """`stack` when it is a valid stack name (1-100 letters, digits, `-`, `_` or `.`, not starting with a dot);
    ConfigError naming `--stack` otherwise."""
    if not stack or not _STACK_NAME.fullmatch(stack) or stack.startswith("."):
        shown = repr(stack) if len(repr(stack)) <= 40 else f"{repr(stack)[:40]}...'"
        raise ConfigError(f"--stack: {shown} is not a valid stack name")
    return stack


def load_stack_config(project: Project, stack: str) -> StackConfig:
    """Read `Pulumi.<stack>.yaml`: namespaced keys, structured values as JSON, `secure:` as placeholder secrets."""
    check_stack_name(stack)
    path = project.directory / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        available = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in project.directory.glob("Pulumi.*.yaml"))
        raise ConfigError(
            f"{path}: no such stack file for stack {stack!r}; stacks here: {', '.join(available) or 'none'}"
        )
    data = _load_yaml(path) or {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping with a 'config' key")
    for key in data:
        if key not in STACK_FILE_KEYS:
            _unknown_key(path, key, STACK_FILE_KEYS, near_misses_only=False)
    raw = data.get("config") or {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: config: expected a mapping of keys to values")
    own: dict[str, Any] = {}
    written: dict[str, str] = {}
    for key, value in raw.items():
        name = _namespaced(str(key), project.name)
        if name in own:
            raise ConfigError(
                f"{path}: {_shown_key(name)}: given twice (as {_shown_key(written[name])!r} and "
                f"{_shown_key(str(key))!r}); keep one"
            )
        own[name] = value
        written[name] = str(key)
    _check_config(path, project.name, own)
    values: dict[str, str] = {}
    secret_keys: set[str] = set()
    secret_values: set[str] = set()
    merged: dict[str, Any] = {**project.config_defaults, **own}
    for key, value in merged.items():
        text, placeholders = _config_value(key, value, path)
        values[key] = text
        if placeholders:
            secret_keys.add(key)
            secret_values.update(placeholders)
    return StackConfig(
        file=path, values=values, secret_keys=frozenset(secret_keys), secret_values=frozenset(secret_values)
    )


__all__ = ["Project", "StackConfig", "check_stack_name", "load_project", "load_stack_config"]
