"""The mocks' answers: deterministic, plausible ids, ARNs and invoke results for an offline run.

Every answer is derived from the resource's URN, so two runs of one program give identical graphs. An AWS
provider that assumes a role (`assume_roles`) answers for the account of the role it assumes last: its resources'
ARNs and `aws.get_caller_identity()` through it name that account; every other AWS answer names `ACCOUNT_ID`.

Usage::

    from trustfabric.engine.mocks import RecordingMocks, mock_arn

    mocks = RecordingMocks(default_region="eu-west-2")
    mock_arn("aws:kms/key:Key", "key-1234", "eu-west-2")
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

ACCOUNT_ID = "123456789012"
"""The account every mocked AWS answer belongs to (AWS's documentation account id), unless its provider assumes a
role in another account."""
_ROLE_ARN = re.compile(r"^arn:aws[\w-]*:iam::(\d{12}):role/.+$")


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def _aws_service(type_token: str) -> str:
    module = type_token.split(":")[1] if type_token.count(":") >= 2 else "index"
    return module.split("/")[0]


def assumed_account(provider_inputs: Mapping[str, Any]) -> str | None:
    """The account an AWS provider's inputs place its resources in: that of the last role it assumes, if any.

    A provider's nested inputs reach the monitor as JSON text; a role ARN that is not yet known is no account."""
    roles = provider_inputs.get("assumeRoles")
    if isinstance(roles, str):
        try:
            roles = json.loads(roles)
        except ValueError:
            return None
    if not isinstance(roles, list) or not roles or not isinstance(roles[-1], Mapping):
        return None
    match = _ROLE_ARN.fullmatch(str(roles[-1].get("roleArn") or ""))
    return match.group(1) if match else None


def mock_arn(type_token: str, name: str, region: str | None, account: str = ACCOUNT_ID) -> str:
    """An ARN of the shape AWS gives the type: global services have no region, S3 no account."""
    service = _aws_service(type_token)
    kind = type_token.rsplit(":", 1)[-1]
    resource_kind = kind[0].lower() + kind[1:]
    if service == "s3":
        return f"arn:aws:s3:::{name}"
    if service in ("iam", "organizations", "route53", "cloudfront"):
        return f"arn:aws:{service}::{account}:{resource_kind}/{name}"
    return f"arn:aws:{service}:{region or 'us-east-1'}:{account}:{resource_kind}/{name}"


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
        self.provider_accounts: dict[str, str] = {}
        """AWS provider URN -> the account of the role it assumes (providers that assume none are absent)."""

    def register_provider(self, urn: str, inputs: Mapping[str, Any]) -> None:
        """Remember where an AWS provider's resources live: its region and the account it assumes a role in."""
        given_region = inputs.get("region")
        self.provider_regions[urn] = given_region if isinstance(given_region, str) else None
        account = assumed_account(inputs)
        if account is not None:
            self.provider_accounts[urn] = account

    def account_for(self, provider_ref: str | None) -> str:
        """The account a resource or invoke through `provider_ref` answers for."""
        if provider_ref:
            return self.provider_accounts.get(provider_ref.rsplit("::", 1)[0], ACCOUNT_ID)
        return ACCOUNT_ID

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
            state.setdefault("arn", mock_arn(typ, physical_name, region, self.account_for(args.provider)))
            state.setdefault("region", region)
        return physical_name, state

    def call(self, args: Any) -> dict[str, Any]:
        token: str = args.token
        region = self.region_for(args.provider) or "us-east-1"
        inputs = dict(args.args)
        if token == "aws:index/getCallerIdentity:getCallerIdentity":
            account = self.account_for(args.provider)
            return {
                "accountId": account,
                "arn": f"arn:aws:sts::{account}:assumed-role/deployer/session",
                "id": account,
                "userId": "AROAEXAMPLEDEPLOYER:session",
            }
        if token == "aws:index/getRegion:getRegion":
            return {"id": region, "name": region, "region": region, "endpoint": f"ec2.{region}.amazonaws.com"}
        if token == "aws:index/getPartition:getPartition":
            return {"id": "aws", "partition": "aws", "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws"}
        if token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            names = [f"{region}{letter}" for letter in "abc"]
            return {"id": region, "names": names, "zoneIds": [f"{region[:3]}{region[-1]}-az{i}" for i in (1, 2, 3)]}
        if token == "aws:ecr/getImage:getImage":
            # The image the tag names, as ECR answers once it was pushed: its digest derived from repository and tag.
            repository, tag = str(inputs.get("repositoryName")), inputs.get("imageTag")
            digest = "sha256:" + hashlib.sha256(f"{repository}:{tag}".encode()).hexdigest()
            registry = f"{ACCOUNT_ID}.dkr.ecr.{region}.amazonaws.com/{repository}"
            return {
                **inputs,
                "id": digest,
                "imageDigest": digest,
                "imageTags": [tag] if tag else [],
                "imageUri": f"{registry}@{digest}",
                "registryId": ACCOUNT_ID,
                "region": region,
                "mostRecent": False,
                "imagePushedAt": 0,
                "imageSizeInBytes": 0,
            }
        if token == "aws:iam/getPolicyDocument:getPolicyDocument":
            document = _render_policy_document(inputs)
            return {"id": _short_hash(document), "json": document, "minifiedJson": json.dumps(json.loads(document))}
        return inputs


__all__ = ["ACCOUNT_ID", "RecordingMocks", "assumed_account", "mock_arn"]
