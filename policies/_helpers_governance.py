"""Shared helpers of the governance policies: residency config, tags, ARNs, IAM documents, secrets, pod specs.

This module lives outside the provider packages on purpose: the registry requires every module under
`policies/aws`, `policies/kubernetes`, `policies/vault` and `policies/stack` to define POLICY.

Every reader here takes either a resource policy's `ResourceValidationArgs` or a stack policy's `PolicyResource`
(both carry `props`, `provider` and `name`).

Usage::

    from policies._helpers_governance import allowed_regions, jurisdiction_of

    code = jurisdiction_of(args)           # "UK", None when missing, UNKNOWN_TAG when not known in preview
    regions = allowed_regions(args.get_config()).get(code)
"""

from __future__ import annotations

import importlib.util
import json
import math
import re
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from pulumi_policy.proxy import UnknownValueError

from domain.residency import JURISDICTIONS, as_policy_config
from policies.base import effective_tags, get, is_unknown, provider_default_tags

JURISDICTION_TAG = "jurisdiction"
CLASSIFICATION_TAG = "data-classification"
OWNER_TAG = "owner"
JURISDICTION_CODES = tuple(JURISDICTIONS)
CLASSIFICATIONS = ("public", "internal", "confidential", "restricted")


class _UnknownTag:
    """A tag whose own value is not known during preview."""

    def __repr__(self) -> str:
        return "<unknown tag>"


UNKNOWN_TAG: Any = _UnknownTag()


# ---------------------------------------------------------------------------------------------------------------
# Residency config


def residency_config(config: Mapping[str, Any] | None) -> dict[str, tuple[str, ...]]:
    """Allowed regions by jurisdiction code, from the policy's `residency` config (default: the residency table)."""
    table = (config or {}).get("residency") if config else None
    if not isinstance(table, Mapping) or not table:
        table = as_policy_config()
    found: dict[str, tuple[str, ...]] = {}
    for code in table:
        entry = table[code]
        regions = entry.get("allowed_regions") if isinstance(entry, Mapping) else None
        if isinstance(regions, Sequence) and not isinstance(regions, str):
            found[str(code)] = tuple(str(region) for region in regions)
    return found


RESIDENCY_SCHEMA: dict[str, Any] = {
    "residency": {
        "type": "object",
        "description": "Jurisdiction code -> {allowed_regions: [...]} (default: domain.residency).",
        "additionalProperties": {
            "type": "object",
            "properties": {"allowed_regions": {"type": "array", "items": {"type": "string"}}},
            "required": ["allowed_regions"],
        },
        "default": as_policy_config(),
    }
}


# ---------------------------------------------------------------------------------------------------------------
# Tags and regions of resources


def tag_value(resource: Any, key: str) -> Any:
    """The effective value of tag `key` (own over provider default); UNKNOWN_TAG when the own value is not known
    during preview, None when absent."""
    if is_unknown(resource.props, "tags", key):
        if unknown_itself(resource.props, "tags"):  # the whole map: only the provider's default is certain
            return provider_default_tags(resource.provider).get(key)
        return UNKNOWN_TAG
    return effective_tags(resource).get(key)


def jurisdiction_of(resource: Any) -> Any:
    """The resource's jurisdiction tag: a string, None when absent, UNKNOWN_TAG when not known."""
    value = tag_value(resource, JURISDICTION_TAG)
    if value is UNKNOWN_TAG or value is None:
        return value
    return str(value).strip()


def region_of(resource: Any) -> str | None:
    """The resource's region: own `region` input, else its provider's region; None when not known."""
    props = resource.props
    if "region" in props and not is_unknown(props, "region"):
        own = get(props, "region")
        if isinstance(own, str) and own:
            return own
    provider = resource.provider
    if provider is None or is_unknown(provider.props, "region"):
        return None
    region = get(provider.props, "region")
    return region if isinstance(region, str) and region else None


_REGION_IN_NAME = re.compile(r"(?<![a-z0-9])([a-z]{2}(?:-gov)?-[a-z]+-\d)(?![0-9])")


def arn_region(arn: Any) -> str | None:
    """The region field of an ARN (`arn:aws:<service>:<region>:...`), or None (S3 and IAM ARNs have none)."""
    parts = arn.split(":") if isinstance(arn, str) else []
    return (parts[3] or None) if len(parts) > 3 and parts[0] == "arn" else None


def region_in_name(name: str) -> str | None:
    """A region spelled inside a physical name (our naming convention puts it there), or None."""
    found = _REGION_IN_NAME.findall(name)
    return found[-1] if found else None


def arn_resource_name(arn: str) -> str:
    """The last identifier of an ARN: `arn:aws:s3:::b` -> b, `...:backup-vault:v` -> v, `...:table/t` -> t."""
    tail = arn.split(":", 5)[-1] if arn.startswith("arn:") else arn
    return re.split(r"[:/]", tail)[-1]


def names_match(physical: str, resource: Any, identifier_inputs: Sequence[str]) -> bool:
    """True when `physical` is the resource's literal name (one of `identifier_inputs`) or its auto-name
    (`<logical name>-<random suffix>`, as Pulumi names resources without an explicit name)."""
    for key in identifier_inputs:
        if is_unknown(resource.props, key):
            continue
        value = get(resource.props, key)
        if isinstance(value, str) and value:
            return value == physical
    return physical.startswith(f"{resource.name}-") and "-" not in physical[len(resource.name) + 1 :]


def unknown_itself(props: Any, *path: str | int) -> bool:
    """True when the value at `path`, or a value on the way to it, is unknown (not merely something inside)."""
    value = props
    try:
        for key in path:
            value = value[key]
    except UnknownValueError:
        return True
    except (KeyError, IndexError, TypeError):
        return False
    return False


def dependency_urns(resource: Any, prop: str) -> list[Any]:
    """The resources a stack policy's PolicyResource property depends on."""
    return list(resource.property_dependencies.get(prop, []))


# ---------------------------------------------------------------------------------------------------------------
# Taggable AWS types, from the installed SDK


@cache
def _aws_resource_files() -> dict[str, Path]:
    spec = importlib.util.find_spec("pulumi_aws")
    if spec is None or spec.origin is None:
        return {}
    root = Path(spec.origin).parent
    match = re.search(r'resource_modules="""(.*?)"""', (root / "__init__.py").read_text(encoding="utf-8"), re.S)
    if match is None:
        return {}
    files: dict[str, Path] = {}
    for module in json.loads(match.group(1)):
        directory = root.joinpath(*module["fqn"].split(".")[1:])
        stem = re.sub(r"(?<!^)(?=[A-Z])", "_", module["mod"].split("/")[-1]).lower()
        for token, class_name in module["classes"].items():
            path = directory / f"{stem}.py"
            if not path.is_file():  # acronyms (IPSet -> ip_set) break the simple rule; find the class
                path = next(
                    (
                        candidate
                        for candidate in sorted(directory.glob("*.py"))
                        if f"class {class_name}(pulumi.CustomResource)" in candidate.read_text(encoding="utf-8")
                    ),
                    path,
                )
            files[token] = path
    return files


_TAGS_INPUT = re.compile(r'^ {12}__props__\.__dict__\["tags"\] = tags$', re.M)


@cache
def is_taggable(resource_type: str) -> bool | None:
    """True when the pulumi_aws resource class for `resource_type` takes a `tags` input; None if unknown type."""
    path = _aws_resource_files().get(resource_type)
    if path is None or not path.is_file():
        return None
    return bool(_TAGS_INPUT.search(path.read_text(encoding="utf-8")))


# ---------------------------------------------------------------------------------------------------------------
# IAM policy documents


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (str, Mapping)):
        return [value]
    try:
        return list(value)
    except TypeError:
        return [value]


def policy_statements(document: Any) -> list[Mapping[str, Any]] | None:
    """The statements of a policy document (JSON text or a map); None when it cannot be read."""
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            return None
    if not isinstance(document, Mapping):
        return None
    return [statement for statement in as_list(document.get("Statement")) if isinstance(statement, Mapping)]


def is_allow(statement: Mapping[str, Any]) -> bool:
    return str(statement.get("Effect", "")).lower() == "allow"


# ---------------------------------------------------------------------------------------------------------------
# Literal secrets

_SECRET_NAME = re.compile(
    r"(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?|AUTH_?KEY)",
    re.IGNORECASE,
)
_REFERENCE_SUFFIX = re.compile(r"(_|-)(ARN|NAME|ID|PATH|FILE|URL|URI|REF|PARAM|PARAMETER|HEADER|TTL)$", re.I)
_ACCESS_KEY = re.compile(r"(?<![A-Z0-9])(AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")
_PEM = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----")
_TOKENISH = re.compile(r"^[A-Za-z0-9+/=_\-.~]+$")
HIGH_ENTROPY_MIN_LENGTH = 32
HIGH_ENTROPY_BITS = 4.0


def shannon_entropy(text: str) -> float:
    counts: dict[str, int] = {}
    for char in text:
        counts[char] = counts.get(char, 0) + 1
    return -sum(count / len(text) * math.log2(count / len(text)) for count in counts.values())


def is_secret_name(name: str) -> bool:
    """True for a key named like a secret (and not like a reference to one: `DB_PASSWORD_ARN`)."""
    return bool(_SECRET_NAME.search(name)) and not _REFERENCE_SUFFIX.search(name)


def secret_reason(name: str, value: Any) -> str | None:
    """Why a literal `name=value` pair looks like a secret, or None. References (ARNs, SSM/Secrets Manager
    names, `{{resolve:...}}`) and empty values are not secrets."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if _ACCESS_KEY.search(text):
        return "an AWS access key id"
    if _PEM.search(text):
        return "a PEM private key"
    if text.startswith(("arn:", "{{resolve:")):
        return None
    if is_secret_name(name):
        return "a literal value for a secret-named key"
    if (
        len(text) >= HIGH_ENTROPY_MIN_LENGTH
        and _TOKENISH.match(text)
        and not text.startswith(("http:", "https:"))
        and shannon_entropy(text) >= HIGH_ENTROPY_BITS
    ):
        return "a high-entropy string"
    return None


# ---------------------------------------------------------------------------------------------------------------
# Kubernetes pod specs

POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "kubernetes:core/v1:Pod": ("spec",),
    "kubernetes:apps/v1:Deployment": ("spec", "template", "spec"),
    "kubernetes:apps/v1:StatefulSet": ("spec", "template", "spec"),
    "kubernetes:apps/v1:DaemonSet": ("spec", "template", "spec"),
    "kubernetes:apps/v1:ReplicaSet": ("spec", "template", "spec"),
    "kubernetes:batch/v1:Job": ("spec", "template", "spec"),
    "kubernetes:batch/v1:CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
CONTAINER_LISTS = ("initContainers", "containers")


def kind_of(resource_type: str) -> str:
    return resource_type.rsplit(":", 1)[-1]


def pod_containers(props: Any, pod_path: Sequence[str]) -> list[tuple[str, Any, Any]] | None:
    """(list name, container name, container) for every container and init container of the pod spec; None
    when the pod spec or its container lists are not known during preview."""
    if any(unknown_itself(props, *pod_path, list_name) for list_name in CONTAINER_LISTS):
        return None
    found = []
    for list_name in CONTAINER_LISTS:
        containers = as_list(get(props, *pod_path, list_name, default=[]))
        for index in range(len(containers)):
            if unknown_itself(containers, index):
                return None
            container = containers[index]
            name = get(container, "name", default=f"#{index}") if not is_unknown(container, "name") else f"#{index}"
            found.append((list_name, name, container))
    return found


def container_label(list_name: str, name: Any) -> str:
    return f"{'init container' if list_name == 'initContainers' else 'container'} '{name}'"


# ---------------------------------------------------------------------------------------------------------------
# Identity policies of IAM resources

IAM_POLICY_TYPES = (
    "aws:iam/policy:Policy",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/groupPolicy:GroupPolicy",
)
IAM_ROLE = "aws:iam/role:Role"
UNKNOWN_DOCUMENT: Any = _UnknownTag()


def identity_documents(resource_type: str, props: Any) -> list[tuple[str, Any]]:
    """(where, document) for every identity policy document the resource declares: the `policy` input of
    IAM policies and inline policies, and a role's `inlinePolicies[].policy`. UNKNOWN_DOCUMENT when not known."""
    documents: list[tuple[str, Any]] = []
    if resource_type in IAM_POLICY_TYPES:
        unknown = unknown_itself(props, "policy") or is_unknown(props, "policy")
        documents.append(("policy", UNKNOWN_DOCUMENT if unknown else get(props, "policy")))
    elif resource_type == IAM_ROLE:
        if unknown_itself(props, "inlinePolicies"):
            return [("inline_policies", UNKNOWN_DOCUMENT)]
        inline = get(props, "inlinePolicies", default=[])
        for index in range(len(inline)):
            if unknown_itself(inline, index):
                documents.append((f"inline_policies[{index}]", UNKNOWN_DOCUMENT))
                continue
            name = get(inline[index], "name") if not is_unknown(inline[index], "name") else None
            where = f"inline policy '{name}'" if isinstance(name, str) else f"inline_policies[{index}]"
            if is_unknown(inline[index], "policy"):
                documents.append((where, UNKNOWN_DOCUMENT))
            elif get(inline[index], "policy") is not None:
                documents.append((where, get(inline[index], "policy")))
    return documents


def iam_kind(resource_type: str) -> str:
    return {
        "aws:iam/policy:Policy": "IAM policy",
        "aws:iam/rolePolicy:RolePolicy": "IAM role policy",
        "aws:iam/userPolicy:UserPolicy": "IAM user policy",
        "aws:iam/groupPolicy:GroupPolicy": "IAM group policy",
        IAM_ROLE: "IAM role",
    }.get(resource_type, resource_type)


def pod_subject(resource_type: str, name: str) -> str:
    return f"Kubernetes {kind_of(resource_type)} '{name}'"


def unknown_pod_message(resource_type: str, name: str, what: str) -> str:
    return (
        f"{pod_subject(resource_type, name)}: its pod spec's containers are not known during preview; {what} "
        "cannot be proven."
    )
