"""What every drill shares: recovery targets, the AWS session for an endpoint, the cell's names.

The targets are the tiers' objectives in `domain.tiers` (the same data the backup plans are sized for),
read here, never restated: the restore drill judges against the restore RPO/RTO (`RESTORE_TARGETS`), the
failover and failback drills against the failover RPO/RTO (`FAILOVER_TARGETS`):

- **tier0** (the ledger: DynamoDB table, RDS/Aurora database): restore RPO 5 min / RTO 4 h; failover RPO
  1 min / RTO 15 min;
- **records** (the records bucket): restore RPO 24 h / RTO 4 h; failover RPO 15 min / RTO 1 h.

Names come from `domain.naming`, the functions the components declare their resources with, so a drill against a
real account acts on what `prod` and `dr` declared, and `drill seed` builds the same names on a moto server.

Usage::

    from trustfabric.drills.common import FAILOVER_TARGETS, Aws, CellNames, resolve_jurisdiction

    cell = resolve_jurisdiction("uk")                  # TrustFabricError (exit 2) for an unknown code
    aws = Aws.connect(endpoint_url="http://127.0.0.1:5000")   # TrustFabricError when unreachable or not AWS
    names = CellNames.of(cell, aws.account_id)
    assert FAILOVER_TARGETS["tier0"].rto_seconds == 15 * 60
"""

from __future__ import annotations

import os
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError
from botocore.parsers import ResponseParserError

from domain.naming import (
    API_SERVICE,
    PRIMARY_DEPLOYMENT,
    global_cluster_identifier,
    ledger_table_name,
    records_bucket_name,
    records_replication_role_name,
    regional_endpoint,
    regional_label,
    service_record_name,
    zone_name,
)
from domain.residency import CODES, JURISDICTIONS, Jurisdiction
from domain.tiers import TIERS, Tier
from trustfabric.aws_regions import is_aws_region
from trustfabric.errors import TrustFabricError


@dataclass(frozen=True)
class TierTarget:
    """Recovery objectives of one tier."""

    tier: str
    rpo_seconds: int
    """Most data (by age) that may be lost: the newest recovery point must be younger at the incident."""
    rto_seconds: int
    """Longest time until the tier's stores serve again."""
    stores: tuple[str, ...]
    """Store kinds in the tier (s3, dynamodb, rds)."""

    def as_dict(self) -> dict[str, Any]:
        return {"rpo_seconds": self.rpo_seconds, "rto_seconds": self.rto_seconds, "stores": list(self.stores)}


TIER_STORES: dict[str, tuple[str, ...]] = {"tier0": ("dynamodb", "rds"), "records": ("s3",)}
"""The store kinds a drill exercises in each tier (every tier of `domain.tiers.TIERS`)."""


def _targets(objectives: Callable[[Tier], tuple[int, int]]) -> dict[str, TierTarget]:
    """Each tier's (RPO, RTO) in minutes, as `objectives` picks them from `domain.tiers`, in seconds."""
    targets: dict[str, TierTarget] = {}
    for name, stores in TIER_STORES.items():
        rpo, rto = objectives(TIERS[name])
        targets[name] = TierTarget(name, rpo * 60, rto * 60, stores)
    return targets


RESTORE_TARGETS: dict[str, TierTarget] = _targets(lambda tier: (tier.rpo_minutes, tier.rto_minutes))
"""Restore targets by tier (recovering from a backup into new resources): tier0 RPO 5 min / RTO 4 h; records
RPO 24 h / RTO 4 h."""
FAILOVER_TARGETS: dict[str, TierTarget] = _targets(lambda tier: (tier.failover_rpo_minutes, tier.failover_rto_minutes))
"""Failover targets by tier (serving from the paired region): tier0 RPO 1 min / RTO 15 min; records 15 min /
1 h."""

STORE_TIER: dict[str, str] = {store: tier for tier, stores in TIER_STORES.items() for store in stores}
"""The tier of each store kind."""

RECONCILE_FAILOVER = "pulumi config set trust-fabric:role active -s dr && pulumi up -s dr"
RECONCILE_FAILBACK = "pulumi config set trust-fabric:role standby -s dr && pulumi up -s dr && pulumi preview -s prod"


def resolve_jurisdiction(code: str) -> Jurisdiction:
    """The residency table's entry for a code (any case); TrustFabricError naming the allowed codes."""
    found = JURISDICTIONS.get(code.strip().upper())
    if found is None:
        raise TrustFabricError(f"unknown jurisdiction {code!r}; allowed: {', '.join(CODES)}")
    return found


@dataclass(frozen=True)
class CellNames:
    """A cell's deterministic resource names, from `domain.naming`: the functions the components declare them with."""

    cell: str
    jurisdiction: Jurisdiction
    account_id: str
    deployment: str = PRIMARY_DEPLOYMENT

    @classmethod
    def of(cls, jurisdiction: Jurisdiction, account_id: str, deployment: str = PRIMARY_DEPLOYMENT) -> CellNames:
        return cls(jurisdiction.code.lower(), jurisdiction, account_id, deployment)

    @property
    def primary(self) -> str:
        return self.jurisdiction.primary_region

    @property
    def standby(self) -> str:
        return self.jurisdiction.standby_region

    def records_bucket(self, region: str) -> str:
        return records_bucket_name(self.deployment, self.cell, region, self.account_id)

    def replication_role(self, region: str) -> str:
        """The role S3 assumes to replicate the records bucket of `region`."""
        return records_replication_role_name(self.deployment, self.cell, region)

    @property
    def table(self) -> str:
        return ledger_table_name(self.deployment, self.cell)

    @property
    def global_cluster(self) -> str:
        return global_cluster_identifier(self.deployment, self.cell)

    @property
    def database(self) -> str:
        """RDS instance identifier of the ledger where an endpoint has no Aurora global database (moto): the
        instance stands in for the global database under its name; primary and cross-region read replica share it."""
        return self.global_cluster

    @property
    def zone(self) -> str:
        return zone_name(self.deployment, self.cell)

    @property
    def record(self) -> str:
        return service_record_name(API_SERVICE, self.zone)

    def endpoint(self, region: str) -> str:
        return regional_endpoint(API_SERVICE, region, self.zone)

    def set_identifier(self, region: str) -> str:
        """The set identifier of the region's failover record, also the Name of its health check."""
        return regional_label(API_SERVICE, region)


SMALL_INSTANCE_CLASS = "db.t4g.micro"
"""Instance class of every RDS instance (and read replica) a drill creates."""

_CALL_CONFIG = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=60)
_PROBE_CONFIG = Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=3, read_timeout=10)


_ACCOUNT_ID = re.compile(r"^\d{12}$")


def _region_source(session: boto3.session.Session) -> str:
    """Where botocore found the session's region: its environment variable, else the profile."""
    if os.environ.get("AWS_DEFAULT_REGION"):
        return "AWS_DEFAULT_REGION"
    return f"the region of AWS profile {session.profile_name!r}"


def probe_account(session: boto3.session.Session, endpoint: str | None, probe_region: str | None = None) -> str:
    """The caller's account id, from STS GetCallerIdentity at `endpoint` (None: AWS's own endpoints).

    TrustFabricError (exit 2), one line, when the region is no AWS region, there are no credentials, the endpoint
    is unreachable or refuses them, or it answers but not as AWS STS does (a web server, a proxy's login page).
    """
    region = probe_region or session.region_name or "us-east-1"
    if not is_aws_region(region):
        shown = repr(region) if len(repr(region)) <= 40 else f"{repr(region)[:36]}...'"
        source = "the region asked for" if probe_region else _region_source(session)
        raise TrustFabricError(f"{source}: {shown} is not an AWS region; e.g. eu-west-2")
    where = endpoint or "the AWS default endpoint"
    try:
        sts = session.client("sts", region_name=region, endpoint_url=endpoint, config=_PROBE_CONFIG)
        identity = sts.get_caller_identity()
    except NoCredentialsError:
        raise TrustFabricError(
            "no AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"
        ) from None
    except (ResponseParserError, KeyError, TypeError, AttributeError):  # botocore's parsers on a non-AWS reply
        raise TrustFabricError(
            f"endpoint {where} answered, but not as AWS does (its reply to sts:GetCallerIdentity is not an AWS "
            "API response); is it an AWS endpoint?"
        ) from None
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code", ""))
        if code in ("", "Unknown") or code.isdigit():  # an HTTP error with no AWS error code: not an AWS API
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "?")
            raise TrustFabricError(
                f"endpoint {where} answered, but not as AWS does (HTTP {status} with no AWS error code to "
                "sts:GetCallerIdentity); is it an AWS endpoint?"
            ) from None
        message = " ".join(str(error).split())
        message = message if len(message) <= 200 else f"{message[:200]}..."
        raise TrustFabricError(f"endpoint {where} refused the credentials: {message}") from None
    except BotoCoreError as error:
        message = " ".join(str(error).split())
        message = message if len(message) <= 200 else f"{message[:200]}..."
        raise TrustFabricError(f"endpoint {where} unreachable or refused the credentials: {message}") from None
    except ValueError as error:  # a malformed --endpoint-url
        raise TrustFabricError(f"--endpoint-url {endpoint!r} is not a URL: {error}") from None
    account = identity.get("Account") if isinstance(identity, dict) else None
    if not isinstance(account, str) or not _ACCOUNT_ID.fullmatch(account):
        raise TrustFabricError(
            f"endpoint {where} answered, but not as AWS does (sts:GetCallerIdentity returned no 12-digit account "
            "id); is it an AWS endpoint?"
        )
    return account


@dataclass
class Aws:
    """boto3 clients for one endpoint (a real account, or a moto server) and the caller's account."""

    endpoint_url: str | None
    account_id: str
    session: boto3.session.Session

    @classmethod
    def connect(cls, endpoint_url: str | None = None, probe_region: str | None = None) -> Aws:
        """Check the endpoint answers as AWS does and the credentials work; TrustFabricError (exit 2) otherwise.

        `probe_region` is where the STS check goes: a failover passes the standby region, so not even the
        credential check depends on the failed region.
        """
        endpoint = endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None
        session = boto3.session.Session()
        account = probe_account(session, endpoint, probe_region)
        return cls(endpoint_url=endpoint, account_id=account, session=session)

    @property
    def is_custom_endpoint(self) -> bool:
        """True for a moto (or other stand-in) endpoint: some APIs are missing there."""
        return self.endpoint_url is not None

    def client(self, service: str, region: str) -> Any:
        return self.session.client(service, region_name=region, endpoint_url=self.endpoint_url, config=_CALL_CONFIG)

    def route53(self) -> Any:
        """Route53 is global; its API is served from us-east-1."""
        return self.client("route53", "us-east-1")

    def wait_delay(self, real_seconds: int) -> int:
        """Waiter delay: short on a stand-in endpoint (answers at once), the service's pace on AWS."""
        return 1 if self.is_custom_endpoint else real_seconds

    def wait(self, client: Any, waiter: str, *, delay_seconds: int, max_attempts: int, **params: Any) -> None:
        """Block on a boto3 waiter, polling every `delay_seconds` on AWS (every second on a stand-in endpoint)."""
        client.get_waiter(waiter).wait(
            **params, WaiterConfig={"Delay": self.wait_delay(delay_seconds), "MaxAttempts": max_attempts}
        )


def bucket_location(region: str) -> dict[str, Any]:
    """`create_bucket` arguments placing a bucket in `region` (us-east-1 is the default and takes none)."""
    return {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}


def small_postgres(
    identifier: str, *, master_username: str, backup_retention_days: int, tags: dict[str, str]
) -> dict[str, Any]:
    """`create_db_instance` arguments of the smallest encrypted PostgreSQL instance, with a throwaway password
    (the drills never connect to it)."""
    return {
        "DBInstanceIdentifier": identifier,
        "Engine": "postgres",
        "DBInstanceClass": SMALL_INSTANCE_CLASS,
        "AllocatedStorage": 20,
        "MasterUsername": master_username,
        "MasterUserPassword": secrets.token_urlsafe(24),
        "StorageEncrypted": True,
        "BackupRetentionPeriod": backup_retention_days,
        "Tags": [{"Key": key, "Value": value} for key, value in tags.items()],
    }


def poll(check: Callable[[], bool], timeout_seconds: float, interval_seconds: float) -> bool:
    """Call `check` until it returns True or the timeout passes; True when it held."""
    deadline = time.monotonic() + timeout_seconds
    while True:
        if check():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval_seconds)


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def not_found(error: ClientError) -> bool:
    """True for the many spellings of "does not exist" across services."""
    code = error_code(error)
    return code in {
        "404",
        "NoSuchBucket",
        "NoSuchEntity",
        "NoSuchKey",
        "NoSuchHostedZone",
        "NoSuchHealthCheck",
        "NotFound",
    } or code.endswith(("NotFound", "NotFoundFault", "NotFoundException"))


def describe_instance(rds: Any, identifier: str) -> dict[str, Any] | None:
    """The RDS instance `identifier`, or None when it does not exist."""
    try:
        return rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]
    except ClientError as error:
        if not not_found(error):
            raise
        return None


def unsupported(error: ClientError) -> bool:
    """True when the endpoint does not implement the call (moto answers 500 / NotImplemented)."""
    code = error_code(error)
    status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    return code in {"NotImplemented", "InternalFailure", "500", "InvalidAction"} or status in {500, 501}
