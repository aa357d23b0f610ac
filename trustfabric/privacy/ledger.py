"""The erasure request ledger: one DynamoDB item per request, written when the request is done.

The table (`domain.naming.erasure_ledger_table_name`, declared by `components/governance/erasure_ledger.py` with
the cell's data key and point-in-time recovery) is keyed by `request_id`. An item never holds the subject's
identifier, only its SHA-256 keyed by the jurisdiction (`subject_digest`), so the ledger itself is not a record of
who asked to be forgotten; the certificate is stored whole with its own SHA-256.

Usage::

    ledger = ErasureLedger(aws.client("dynamodb", region), table_name)
    ledger.ensure_exists()                  # TrustFabricError (exit 2) naming the table when it is missing
    ledger.put(entry); ledger.get("er-...")
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from trustfabric.errors import TrustFabricError


def subject_digest(jurisdiction: str, subject_id: str) -> str:
    """The ledger's name for a subject: SHA-256 of `<jurisdiction>:<subject id>`."""
    return hashlib.sha256(f"{jurisdiction}:{subject_id}".encode()).hexdigest()


@dataclass(frozen=True)
class LedgerEntry:
    """One erasure request as the ledger keeps it."""

    request_id: str
    jurisdiction: str
    subject_digest: str
    requested_at: str
    completed_at: str
    state: str
    """`complete` (every record erased, pseudonymised or held) or `incomplete` (an action failed)."""
    counts: dict[str, int]
    """Records by outcome: erased, pseudonymised, held, kept, failed."""
    certificate: str
    """The erasure certificate (JSON text)."""
    certificate_sha256: str
    execution_arn: str = ""
    """The erasure state machine's execution that acted on the request."""

    def item(self) -> dict[str, Any]:
        item = {
            "request_id": {"S": self.request_id},
            "jurisdiction": {"S": self.jurisdiction},
            "subject_digest": {"S": self.subject_digest},
            "requested_at": {"S": self.requested_at},
            "completed_at": {"S": self.completed_at},
            "state": {"S": self.state},
            "counts": {"S": json.dumps(self.counts)},  # in outcome order, as printed
            "certificate": {"S": self.certificate},
            "certificate_sha256": {"S": self.certificate_sha256},
        }
        if self.execution_arn:
            item["execution_arn"] = {"S": self.execution_arn}
        return item

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> LedgerEntry:
        def text(key: str) -> str:
            return str(item.get(key, {}).get("S", ""))

        return cls(
            request_id=text("request_id"),
            jurisdiction=text("jurisdiction"),
            subject_digest=text("subject_digest"),
            requested_at=text("requested_at"),
            completed_at=text("completed_at"),
            state=text("state"),
            counts={str(k): int(v) for k, v in json.loads(text("counts") or "{}").items()},
            certificate=text("certificate"),
            certificate_sha256=text("certificate_sha256"),
            execution_arn=text("execution_arn"),
        )


class ErasureLedger:
    """The ledger table of one cell, in one region."""

    def __init__(self, dynamodb: Any, table_name: str) -> None:
        self.dynamodb = dynamodb
        self.table_name = table_name

    def ensure_exists(self) -> None:
        try:
            self.dynamodb.describe_table(TableName=self.table_name)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                raise TrustFabricError(
                    f"erasure ledger table {self.table_name!r} does not exist in {self.dynamodb.meta.region_name}; "
                    "deploy the stack (it declares the ledger) or pass --deployment"
                ) from None
            raise

    def put(self, entry: LedgerEntry) -> None:
        self.dynamodb.put_item(TableName=self.table_name, Item=entry.item())

    def get(self, request_id: str) -> LedgerEntry | None:
        answer = self.dynamodb.get_item(
            TableName=self.table_name, Key={"request_id": {"S": request_id}}, ConsistentRead=True
        )
        item = answer.get("Item")
        return LedgerEntry.from_item(item) if item else None
