"""The offline engine: run any Pulumi Python program under the SDK's own mock runtime and record its graph.

The program runs exactly as the Python language host runs it (`runpy` of `main:` inside `run_in_stack`), with
its `Pulumi.<stack>.yaml` config set the way the CLI sets it; only the resource monitor is the SDK's
`MockMonitor`, extended to record what the real engine would receive: every registration's inputs, parent,
provider, dependencies and property dependencies, and the stack's outputs. Nothing is sent anywhere.

Each run happens in a fresh thread with an empty `contextvars.Context`, where the SDK keeps its settings,
config and root stack, and the program's own modules are unloaded afterwards, so runs of several programs in
one process do not leak into each other.

Usage::

    from trustfabric.engine import run_program

    graph = run_program("path/to/program", "prod")
    for resource in graph.custom_resources:
        print(resource.type, resource.name, resource.region)
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import gc
import hashlib
import json
import os
import runpy
import sys
import threading
import traceback
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError, ProgramError
from .graph import SECRET_SIG, SIG_KEY, STACK_TYPE, Resource, ResourceGraph, redact_secrets

ACCOUNT_ID = "123456789012"
"""The account every mocked AWS answer belongs to (AWS's documentation account id)."""


# ---------------------------------------------------------------------------------------------------------------
# Project and stack files


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


# ---------------------------------------------------------------------------------------------------------------
# Mocks: deterministic, plausible answers for resources and invokes


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def _aws_service(type_token: str) -> str:
    module = type_token.split(":")[1] if type_token.count(":") >= 2 else "index"
    return module.split("/")[0]


def mock_arn(type_token: str, name: str, region: str | None) -> str:
    """An ARN of the shape AWS gives the type: global services have no region, S3 no account."""
    service = _aws_service(type_token)
    kind = type_token.rsplit(":", 1)[-1]
    resource_kind = kind[0].lower() + kind[1:]
    if service == "s3":
        return f"arn:aws:s3:::{name}"
    if service in ("iam", "organizations", "route53", "cloudfront"):
        return f"arn:aws:{service}::{ACCOUNT_ID}:{resource_kind}/{name}"
    return f"arn:aws:{service}:{region or 'us-east-1'}:{ACCOUNT_ID}:{resource_kind}/{name}"


def _render_policy_document(args: Mapping[str, Any]) -> str:
    """What `aws.iam.get_policy_document` returns: the IAM JSON its statements describe."""
    statements = []
    for statement in args.get("statements") or []:
        rendered: dict[str, Any] = {}
        if statement.get("sid"):
            rendered["Sid"] = statement["sid"]
        rendered["Effect"] = statement.get("effect") or "Allow"
        for source, target in (
            ("actions", "Action"),
            ("notActions", "NotAction"),
            ("resources", "Resource"),
            ("notResources", "NotResource"),
        ):
            values = statement.get(source)
            if values:
                rendered[target] = values[0] if len(values) == 1 else sorted(values)
        for source, target in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
            principals: dict[str, Any] = {}
            for principal in statement.get(source) or []:
                identifiers = principal.get("identifiers") or []
                principals[principal.get("type", "AWS")] = identifiers[0] if len(identifiers) == 1 else identifiers
            if principals:
                rendered[target] = "*" if principals == {"*": "*"} else principals
        conditions: dict[str, dict[str, Any]] = {}
        for condition in statement.get("conditions") or []:
            values = condition.get("values") or []
            conditions.setdefault(condition["test"], {})[condition["variable"]] = (
                values[0] if len(values) == 1 else values
            )
        if conditions:
            rendered["Condition"] = conditions
        statements.append(rendered)
    return json.dumps({"Version": args.get("version") or "2012-10-17", "Statement": statements}, indent=2)


class RecordingMocks:
    """Answers for the mock monitor: ids, ARNs and names derived from the URN, so every run is identical."""

    def __init__(self, default_region: str | None) -> None:
        self.default_region = default_region
        self.provider_regions: dict[str, str | None] = {}

    def region_for(self, provider_ref: str | None) -> str | None:
        if provider_ref:
            urn = provider_ref.rsplit("::", 1)[0]
            if urn in self.provider_regions:
                return self.provider_regions[urn] or self.default_region
        return self.default_region

    def new_resource(self, args: Any, urn: str) -> tuple[str, dict[str, Any]]:
        inputs = dict(args.inputs)
        typ: str = args.typ
        suffix = _short_hash(urn)
        if typ.startswith("pulumi:providers:"):
            return f"{args.name}-{suffix}", inputs
        given_name = inputs.get("name")
        physical_name: str = given_name if isinstance(given_name, str) else f"{args.name}-{suffix}"
        state = dict(inputs)
        state.setdefault("name", physical_name)
        if typ.startswith("aws:"):
            own_region = inputs.get("region")
            region = own_region if isinstance(own_region, str) else self.region_for(args.provider)
            if typ.startswith("aws:s3/bucket"):
                given_bucket = inputs.get("bucket")
                physical_name = given_bucket if isinstance(given_bucket, str) else physical_name
                state.setdefault("bucket", physical_name)
            if typ == "aws:kms/key:Key":
                state.setdefault("keyId", f"{suffix}-0000-4000-8000-{_short_hash(urn + 'k')}0000")
                physical_name = str(state["keyId"])
            state.setdefault("arn", mock_arn(typ, physical_name, region))
            state.setdefault("region", region)
        return physical_name, state

    def call(self, args: Any) -> dict[str, Any]:
        token: str = args.token
        region = self.region_for(args.provider) or "us-east-1"
        inputs = dict(args.args)
        if token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "accountId": ACCOUNT_ID,
                "arn": f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/deployer/session",
                "id": ACCOUNT_ID,
                "userId": "AROAEXAMPLEDEPLOYER:session",
            }
        if token == "aws:index/getRegion:getRegion":
            return {"id": region, "name": region, "region": region, "endpoint": f"ec2.{region}.amazonaws.com"}
        if token == "aws:index/getPartition:getPartition":
            return {"id": "aws", "partition": "aws", "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws"}
        if token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            names = [f"{region}{letter}" for letter in "abc"]
            return {"id": region, "names": names, "zoneIds": [f"{region[:3]}{region[-1]}-az{i}" for i in (1, 2, 3)]}
        if token == "aws:iam/getPolicyDocument:getPolicyDocument":
            document = _render_policy_document(inputs)
            return {"id": _short_hash(document), "json": document, "minifiedJson": json.dumps(json.loads(document))}
        return inputs


class _Monitor:
    """Builds the SDK's MockMonitor subclass lazily, so importing this module does not import the SDK."""

    @staticmethod
    def create(mocks: RecordingMocks, project: str, stack: str, default_region: str | None) -> Any:
        from google.protobuf import json_format
        from pulumi.runtime import mocks as sdk_mocks
        from pulumi.runtime.proto import resource_pb2

        class RecordingMonitor(sdk_mocks.MockMonitor):
            def __init__(self) -> None:
                adapter = _SdkMocksAdapter(mocks)
                super().__init__(adapter)  # type: ignore[arg-type]
                adapter.monitor = self
                self.lock = threading.Lock()
                self.records: dict[str, Resource] = {}
                self.duplicates: list[str] = []
                self.stack_urn = ""
                self.stack_outputs: dict[str, Any] = {}

            def make_urn(self, parent: str, type_: str, name: str) -> str:
                # As the real engine does: the parent's full qualified type, except the root stack's.
                parent_type = parent.split("::")[2] if parent else ""
                if parent_type and parent_type != STACK_TYPE:
                    type_ = f"{parent_type}${type_}"
                return f"urn:pulumi:{stack}::{project}::{type_}::{name}"

            def RegisterResource(self, request: Any) -> Any:
                urn = self.make_urn(request.parent, request.type, request.name)
                if request.type == STACK_TYPE:
                    self.stack_urn = urn
                    return resource_pb2.RegisterResourceResponse(urn=urn)
                inputs = json_format.MessageToDict(request.object)
                if request.type.startswith("pulumi:providers:"):
                    given_region = inputs.get("region") if request.type == "pulumi:providers:aws" else None
                    mocks.provider_regions[urn] = given_region if isinstance(given_region, str) else None
                _current_urn.set(urn)
                response = super().RegisterResource(request)
                provider_urn = request.provider.rsplit("::", 1)[0] if request.provider else None
                region: str | None = None
                if request.type == "pulumi:providers:aws":
                    region = mocks.provider_regions.get(urn) or default_region
                elif request.type.startswith("aws:"):
                    # pulumi-aws 7 lets a resource override its provider's region with its own `region` input.
                    own_region = inputs.get("region")
                    region = own_region if isinstance(own_region, str) else mocks.region_for(request.provider)
                options: dict[str, Any] = {}
                if request.protect:
                    options["protect"] = True
                if request.ignoreChanges:
                    options["ignore_changes"] = sorted(request.ignoreChanges)
                if request.deleteBeforeReplaceDefined:
                    options["delete_before_replace"] = request.deleteBeforeReplace
                if request.additionalSecretOutputs:
                    options["additional_secret_outputs"] = sorted(request.additionalSecretOutputs)
                if request.retainOnDelete:
                    options["retain_on_delete"] = True
                if request.replaceOnChanges:
                    options["replace_on_changes"] = sorted(request.replaceOnChanges)
                if request.importId:
                    options["import"] = request.importId
                if request.aliases:
                    # Earlier identities the resource answers to (a move between components, a rename).
                    options["aliases"] = [json_format.MessageToDict(alias) for alias in request.aliases]
                record = Resource(
                    urn=urn,
                    type=request.type,
                    name=request.name,
                    custom=bool(request.custom),
                    parent=request.parent or None,
                    provider=provider_urn,
                    region=region,
                    id=response.id,
                    inputs=inputs,
                    dependencies=sorted(set(request.dependencies)),
                    property_dependencies={
                        key: sorted(set(value.urns)) for key, value in request.propertyDependencies.items()
                    },
                    options=options,
                )
                with self.lock:
                    if urn in self.records:
                        self.duplicates.append(urn)
                    self.records[urn] = record
                return response

            def RegisterResourceOutputs(self, request: Any) -> Any:
                outputs = json_format.MessageToDict(request.outputs)
                with self.lock:
                    if request.urn == self.stack_urn:
                        self.stack_outputs = outputs
                    elif request.urn in self.records:
                        self.records[request.urn].outputs = outputs
                return super().RegisterResourceOutputs(request)

        return RecordingMonitor()


_current_urn: contextvars.ContextVar[str] = contextvars.ContextVar("trustfabric_current_urn", default="")


class _SdkMocksAdapter:
    """Adapts RecordingMocks to the SDK's `Mocks` interface (it passes no URN, the monitor does)."""

    def __init__(self, mocks: RecordingMocks) -> None:
        self.mocks = mocks
        self.monitor: Any = None

    def new_resource(self, args: Any) -> tuple[str, dict[str, Any]]:
        urn = self.monitor.make_urn("", args.typ, args.name) if not _current_urn.get() else _current_urn.get()
        return self.mocks.new_resource(args, urn)

    def call(self, args: Any) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        return self.mocks.call(args), []

    def register_transform(self, transform: Any) -> None:
        pass

    def register_invoke_transform(self, transform: Any) -> None:
        pass


# ---------------------------------------------------------------------------------------------------------------
# Running a program


def _describe_failure(error: BaseException, project: Project) -> str:
    """One line naming what failed: the resource being declared, or the config key, and the program's words."""
    import pulumi

    message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if isinstance(error, pulumi.RunError):
        return message
    if isinstance(error, pulumi.ConfigMissingError):
        return f"missing required config key {error.key!r}"
    if isinstance(error, pulumi.ConfigTypeError):
        return f"config key {error.key!r}: {message}"
    where = ""
    location = ""
    for frame, lineno in traceback.walk_tb(error.__traceback__):
        code_file = frame.f_code.co_filename
        self_obj = frame.f_locals.get("self")
        if (
            frame.f_code.co_name == "__init__"
            and isinstance(self_obj, pulumi.Resource)
            and isinstance(frame.f_locals.get("resource_name", frame.f_locals.get("name")), str)
        ):
            name = frame.f_locals.get("resource_name", frame.f_locals.get("name"))
            where = f" while declaring {type(self_obj).__name__} {name!r}"
        if code_file.startswith(str(project.directory)) and "site-packages" not in code_file:
            location = f" ({os.path.relpath(code_file, project.directory)}:{lineno})"
    return f"{type(error).__name__}{where}: {message}{location}"


def _run_in_fresh_context(
    project: Project, config: StackConfig, stack: str, preview: bool, transformations: Sequence[Any]
) -> ResourceGraph:
    import pulumi
    from pulumi.runtime import config as sdk_config
    from pulumi.runtime import mocks as sdk_mocks
    from pulumi.runtime import settings as sdk_settings
    from pulumi.runtime.stack import run_in_stack

    default_region = config.values.get("aws:region")
    mocks = RecordingMocks(default_region)
    monitor = _Monitor.create(mocks, project.name, stack, default_region)
    monitor_features = set(monitor.GetDeploymentInfo(None).supportedFeatures)
    sdk_settings.configure(
        sdk_mocks.MockSettings(
            monitor=monitor,
            monitor_features=monitor_features,
            engine=sdk_mocks.MockEngine(None),
            project=project.name,
            stack=stack,
            dry_run=preview,
            organization="organization",
            root_directory=str(project.directory),
            callbacks=None,
            package_refs={},
            base_providers_by_ref={},
        )
    )
    sdk_settings.ROOT.set(None)
    sdk_config.set_all_config(dict(config.values), list(config.secret_keys))

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    entry = project.main
    saved_argv, saved_path, saved_cwd = list(sys.argv), list(sys.path), os.getcwd()
    modules_before = set(sys.modules)
    try:
        os.chdir(entry.parent)
        sys.argv = [str(entry)]
        # As the language host does: the program's own modules import from its directory.
        sys.path.insert(0, str(entry.parent))

        def program() -> None:
            for transformation in transformations:
                pulumi.runtime.register_stack_transformation(transformation)
            runpy.run_path(str(entry), run_name="__main__")

        try:
            loop.run_until_complete(run_in_stack(program))
        except pulumi.ConfigMissingError as error:
            raise ProgramError(f"{project.name} ({stack}): missing required config key {error.key!r}") from None
        except pulumi.RunError as error:
            raise ProgramError(str(error).strip()) from None
        except (ConfigError, ProgramError):
            raise
        except Exception as error:
            raise ProgramError(f"{project.name} ({stack}): {_describe_failure(error, project)}") from error
    finally:
        os.chdir(saved_cwd)
        sys.argv = saved_argv
        sys.path[:] = saved_path
        entry_dir = str(entry.parent)
        for name in set(sys.modules) - modules_before:
            module_file = getattr(sys.modules.get(name), "__file__", None) or ""
            if module_file.startswith(entry_dir):
                sys.modules.pop(name, None)
        loop.close()
        asyncio.set_event_loop(None)

    if monitor.duplicates:
        raise ProgramError(f"{project.name} ({stack}): duplicate resource URN {sorted(monitor.duplicates)[0]}")
    graph = ResourceGraph(
        project=project.name,
        stack=stack,
        program_dir=str(project.directory),
        resources={urn: monitor.records[urn] for urn in sorted(monitor.records)},
        outputs=monitor.stack_outputs,
        config=config.redacted(),
        stack_urn=monitor.stack_urn,
    )
    return graph


_run_lock = threading.Lock()


class _QuiescenceAsyncio:
    """The `asyncio` the SDK's `wait_for_rpcs` sees during an offline run.

    After the program body returns, the SDK waits for every outstanding Output with
    `asyncio.wait(all_pending, return_when=FIRST_COMPLETED)` in a loop, re-arming a callback on every pending
    task each time one finishes: quadratic in the number of Outputs (50k+ for 10,000 resources). Waiting for
    the whole current batch instead reaches the same quiescence (new Outputs are picked up by the SDK's next
    round, exceptions are still re-raised by awaiting each done task) in a fraction of the time. Only that one
    call is changed; everything else is the real module.
    """

    def __init__(self) -> None:
        self._real = asyncio

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    async def wait(self, tasks: Any, *, timeout: float | None = None, return_when: str = "ALL_COMPLETED") -> Any:
        return await self._real.wait(tasks, timeout=timeout, return_when=self._real.ALL_COMPLETED)


@contextlib.contextmanager
def _batched_quiescence() -> Iterator[None]:
    from pulumi.runtime import stack as sdk_stack

    real = sdk_stack.asyncio
    sdk_stack.asyncio = _QuiescenceAsyncio()  # type: ignore[assignment]
    # A run allocates millions of short-lived objects (Outputs, tasks, protobufs) that mostly live until the
    # end; the default young-generation threshold (700) makes the collector rescan them thousands of times.
    thresholds = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        sdk_stack.asyncio = real


def run_program(
    program_dir: str | os.PathLike[str],
    stack: str,
    *,
    preview: bool = True,
    transformations: Sequence[Any] = (),
) -> ResourceGraph:
    """Run the program in `program_dir` for `stack` under the mock runtime and return what it declared.

    `transformations` are Pulumi stack transformations (`pulumi.ResourceTransformationArgs` ->
    `ResourceTransformationResult | None`) registered before the program runs: the SDK applies them to every
    resource as it is declared, which is how tests mutate a real stack to prove the gate catches a change.

    Raises ConfigError for unreadable or malformed project/stack files and ProgramError when the program
    itself fails (the message names the resource or config key involved).
    """
    project = load_project(program_dir)
    config = load_stack_config(project, stack)
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["graph"] = contextvars.Context().run(
                _run_in_fresh_context, project, config, stack, preview, tuple(transformations)
            )
        except BaseException as error:
            outcome["error"] = error

    # cwd, sys.path and sys.modules are process-wide: one program at a time.
    with _run_lock, _batched_quiescence():
        thread = threading.Thread(target=target, name=f"trustfabric-engine-{stack}")
        thread.start()
        thread.join()
    if "error" in outcome:
        raise outcome["error"]
    graph: ResourceGraph = outcome["graph"]
    return graph


def secret_value(value: Any) -> Any:
    """Wrap a plain value the way the wire form marks a secret (for tests and fixtures)."""
    return {SIG_KEY: SECRET_SIG, "value": value}


__all__ = [
    "ACCOUNT_ID",
    "Project",
    "RecordingMocks",
    "StackConfig",
    "load_project",
    "load_stack_config",
    "mock_arn",
    "redact_secrets",
    "run_program",
    "secret_value",
]
