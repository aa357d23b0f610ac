"""What `drill aws-pitr --start` leaves for `--finish`: the requested restore, recorded in the drill's account.

An Aurora restore can outlast a CI job, so the AWS point-in-time restore drill runs in two parts: `--start`
seeds the scratch cluster, writes the acknowledged transactions, waits for the restorable window and asks for
`RestoreDBClusterToPointInTime`; `--finish` (a later job, or a person) waits for the restored cluster, verifies
it and tears everything down. Between them, the request lives where both parts already have access and nothing
else does: a Secrets Manager secret `<drill prefix>-pitr-request` in the cell's primary region (next to the
drill's own credential secrets, tagged `purpose=pitr-drill`), holding gzip-compressed JSON: the clusters, the
target time, the seed checksums and the client-side commit log. No runner state, artifact or cache is needed,
and a request nobody finished is visible in the account (`aws secretsmanager list-secrets --filters
Key=name,Values=tf-drill-`).

Usage::

    save(secrets_client, request)                      # --start
    for request in pending(secrets_client, "UK"):      # --finish
        ...
        forget(secrets_client, request.name)
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from dataclasses import dataclass, field
from typing import Any

from domain.naming import DRILL_PREFIX
from trustfabric.errors import TrustFabricError

from .checksums import LedgerChecksums
from .commits import CommitLog

FORMAT = "trustfabric-aws-pitr-request/1"
SUFFIX = "-pitr-request"
MAX_BYTES = 65536
"""Secrets Manager's limit on a secret value."""


def _time(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _parse(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value)


@dataclass(frozen=True)
class PitrRequest:
    """One requested point-in-time restore, with what its verification needs."""

    name: str
    """The secret that records it: `<drill prefix>-pitr-request`."""
    jurisdiction: str
    region: str
    source_cluster: str
    target_cluster: str
    restore_time: dt.datetime
    """The recovery target (the "incident"): the RTO runs from here to verified rows."""
    requested_at: dt.datetime
    drill_secret: str
    """The secret holding the drill login's username (it logs in with an IAM token)."""
    instance_class: str
    checksums: LedgerChecksums
    log: CommitLog
    created: dict[str, list[str]] = field(default_factory=dict)
    """What `--start` created (clusters, instances, secrets): `--finish` deletes it."""
    started: dict[str, Any] = field(default_factory=dict)
    """What `--start` observed (seeded rows, latest restorable time), carried into the report."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "jurisdiction": self.jurisdiction,
            "region": self.region,
            "source_cluster": self.source_cluster,
            "target_cluster": self.target_cluster,
            "restore_time": _time(self.restore_time),
            "requested_at": _time(self.requested_at),
            "drill_secret": self.drill_secret,
            "instance_class": self.instance_class,
            "checksums": self.checksums.as_dict(),
            "commits": [
                {"entry_id": c.entry_id, "sent_at": _time(c.sent_at), "acked_at": _time(c.acked_at)}
                for c in self.log.commits
            ],
            "created": self.created,
            "started": self.started,
        }

    def encode(self) -> bytes:
        """The secret's value; TrustFabricError when it would not fit in a secret."""
        data = gzip.compress(json.dumps(self.as_dict(), sort_keys=True).encode("utf-8"), mtime=0)
        if len(data) > MAX_BYTES:
            raise TrustFabricError(
                f"the PITR request record is {len(data)} bytes, over Secrets Manager's {MAX_BYTES}: seed fewer "
                "--entries"
            )
        return data

    @classmethod
    def decode(cls, name: str, data: bytes) -> PitrRequest:
        """A request from its secret's value; TrustFabricError (exit 2) naming the secret when malformed."""
        try:
            record = json.loads(gzip.decompress(data))
            if record.get("format") != FORMAT:
                raise ValueError(f"format is not {FORMAT!r}")
            log = CommitLog()
            for commit in record["commits"]:
                sent = _parse(commit["sent_at"])
                assert sent is not None
                log.record(int(commit["entry_id"]), sent, _parse(commit["acked_at"]))
            restore_time, requested_at = _parse(record["restore_time"]), _parse(record["requested_at"])
            assert restore_time is not None and requested_at is not None
            return cls(
                name=name,
                jurisdiction=str(record["jurisdiction"]),
                region=str(record["region"]),
                source_cluster=str(record["source_cluster"]),
                target_cluster=str(record["target_cluster"]),
                restore_time=restore_time,
                requested_at=requested_at,
                drill_secret=str(record["drill_secret"]),
                instance_class=str(record["instance_class"]),
                checksums=LedgerChecksums.from_dict(record["checksums"], f"secret {name}"),
                log=log,
                created={str(k): [str(v) for v in values] for k, values in record["created"].items()},
                started=dict(record.get("started", {})),
            )
        except TrustFabricError:
            raise
        except (OSError, ValueError, KeyError, TypeError, AttributeError, AssertionError) as error:
            raise TrustFabricError(f"secret {name}: not a PITR drill request ({error})") from None


def request_name(prefix: str) -> str:
    return f"{prefix}{SUFFIX}"


def save(secrets: Any, request: PitrRequest) -> None:
    """Record the request as its secret (created; never overwritten)."""
    secrets.create_secret(
        Name=request.name,
        SecretBinary=request.encode(),
        Description=f"PITR drill {request.jurisdiction}: restore of {request.source_cluster} requested, to finish",
        Tags=[
            {"Key": "purpose", "Value": "pitr-drill"},
            {"Key": "jurisdiction", "Value": request.jurisdiction},
        ],
    )


def pending(secrets: Any, jurisdiction: str) -> list[PitrRequest]:
    """The cell's recorded requests not yet finished, oldest first."""
    prefix = f"{DRILL_PREFIX}-{jurisdiction.lower()}-"
    names: list[str] = []
    for page in secrets.get_paginator("list_secrets").paginate(Filters=[{"Key": "name", "Values": [prefix]}]):
        names += [
            entry["Name"]
            for entry in page["SecretList"]
            if entry["Name"].startswith(prefix) and entry["Name"].endswith(SUFFIX)
        ]
    requests = [PitrRequest.decode(name, secrets.get_secret_value(SecretId=name)["SecretBinary"]) for name in names]
    return sorted(requests, key=lambda request: request.requested_at)


def forget(secrets: Any, name: str) -> None:
    """Delete the record once the request is finished."""
    secrets.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)


__all__ = ["PitrRequest", "forget", "pending", "request_name", "save"]
