"""`trustfabric privacy erase|status` against a moto server: what the law permits is erased or pseudonymised,
statutory records are held (and the output says until when and why), the certificate is in the ledger."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest

from tests.trustfabric.privacy.conftest import create_erasure_state_machine
from trustfabric.cli import main

REGION = "eu-west-2"
ACCOUNT = "123456789012"
BUCKET = f"trustfabric-prod-uk-records-{REGION}-{ACCOUNT}"
EVENTS = "trustfabric-prod-uk-ledger-events"
LEDGER = "trustfabric-prod-uk-erasure-ledger"
AS_OF = "2026-12-05"
HMRC = "HMRC: Finance Act 1998 Sch 18 para 21; VAT Act 1994 Sch 11 para 6(3) (6 years)"


def client(service: str):
    return boto3.client(service, region_name=REGION)


def put(s3, key: str, tags: dict[str, str], body: bytes = b"{}") -> None:
    s3.put_object(Bucket=BUCKET, Key=key, Body=body, Tagging="&".join(f"{k}={v}" for k, v in tags.items()))


def seed(*, ledger: bool = True, machine: bool = True) -> None:
    s3 = client("s3")
    s3.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}, ObjectLockEnabledForBucket=True
    )
    put(s3, "subjects/cust-42/2024/invoice-1.json", {"record-date": "2024-03-31"})
    put(s3, "subjects/cust-42/2024/invoice-1.json", {"record-date": "2024-03-31"}, b'{"v": 2}')  # a second version
    put(s3, "subjects/cust-42/2015/invoice-0.json", {"record-date": "2015-03-31"})
    put(s3, "subjects/cust-42/profile.json", {"data-class": "personal-data"})
    put(s3, "subjects/cust-7/2024/invoice-9.json", {"record-date": "2024-03-31"})
    dynamodb = client("dynamodb")
    dynamodb.create_table(
        TableName=EVENTS,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
    )
    items = [
        {"pk": "acct#1", "sk": "entry#1", "subject_id": "cust-42", "record_date": "2025-03-31", "amount": "10.00"},
        {
            "pk": "acct#1",
            "sk": "contact#1",
            "subject_id": "cust-42",
            "data_class": "personal-data",
            "email": "x@example.com",
            "name": "Ada",
        },
        {"pk": "acct#2", "sk": "entry#1", "subject_id": "cust-7", "record_date": "2025-03-31"},
    ]
    for item in items:
        dynamodb.put_item(TableName=EVENTS, Item={k: {"S": v} for k, v in item.items()})
    if ledger:
        dynamodb.create_table(
            TableName=LEDGER,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "request_id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "request_id", "AttributeType": "S"}],
        )
    if machine:
        create_erasure_state_machine()


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    captured = capsys.readouterr()
    return int(exit_info.value.code or 0), captured.out, captured.err


def erase(capsys, reports: Path, *extra: str) -> tuple[int, str, str]:
    return run(
        capsys,
        "privacy",
        "erase",
        "-j",
        "UK",
        "--subject",
        "cust-42",
        "--request-id",
        "er-ticket-1001",
        "--as-of",
        AS_OF,
        "--reports-dir",
        str(reports),
        *extra,
    )


def test_erasure_erases_what_it_may_and_holds_statutory_records_saying_why(moto_aws, tmp_path, capsys):
    seed()
    code, out, err = erase(capsys, tmp_path)
    assert code == 0, err
    hold = "GDPR Art.17(3)(b) exempts it from erasure, so it is restricted (Art.18) under a legal hold"
    assert out.splitlines() == [
        "erasure er-ticket-1001 (UK): complete: erased 2, pseudonymised 1, held 2, kept 0, failed 0",
        f"  erased: s3://{BUCKET}/subjects/cust-42/2015/invoice-0.json (statutory-record): statutory retention "
        f"ended 2021-03-31 ({HMRC})",
        f"  held until 2030-04-01: s3://{BUCKET}/subjects/cust-42/2024/invoice-1.json (statutory-record): statutory "
        f"retention until 2030-04-01 ({HMRC}); {hold}",
        f"  erased: s3://{BUCKET}/subjects/cust-42/profile.json (personal-data): personal-data: GDPR Art.5(1)(e) "
        "storage limitation; Art.17 erasure",
        f"  pseudonymised: dynamodb://{EVENTS}/acct#1/contact#1 (personal-data): personal-data: GDPR Art.5(1)(e) "
        "storage limitation; Art.17 erasure",
        f"  held until 2031-04-01: dynamodb://{EVENTS}/acct#1/entry#1 (statutory-record): statutory retention until "
        f"2031-04-01 ({HMRC}); {hold}",
        f"certificate: {tmp_path / 'er-ticket-1001.json'} (sha256 "
        f"{hashlib.sha256((tmp_path / 'er-ticket-1001.json').read_text().rstrip(chr(10)).encode()).hexdigest()})",
    ]

    s3 = client("s3")
    left = {v["Key"] for v in s3.list_object_versions(Bucket=BUCKET).get("Versions", [])}
    assert left == {"subjects/cust-42/2024/invoice-1.json", "subjects/cust-7/2024/invoice-9.json"}
    versions = [v for v in s3.list_object_versions(Bucket=BUCKET, Prefix="subjects/cust-42/")["Versions"]]
    assert len(versions) == 2  # both versions of the held record, each under a legal hold
    for version in versions:
        hold_status = s3.get_object_legal_hold(Bucket=BUCKET, Key=version["Key"], VersionId=version["VersionId"])
        assert hold_status["LegalHold"]["Status"] == "ON"
    untouched = s3.head_object(Bucket=BUCKET, Key="subjects/cust-7/2024/invoice-9.json")
    assert untouched.get("ObjectLockLegalHoldStatus") != "ON"

    dynamodb = client("dynamodb")
    contact = dynamodb.get_item(TableName=EVENTS, Key={"pk": {"S": "acct#1"}, "sk": {"S": "contact#1"}})["Item"]
    assert contact["subject_id"]["S"].startswith("pseudonym:")
    assert "email" not in contact and "name" not in contact
    entry = dynamodb.get_item(TableName=EVENTS, Key={"pk": {"S": "acct#1"}, "sk": {"S": "entry#1"}})["Item"]
    assert (entry["legal_hold"]["S"], entry["retain_until"]["S"], entry["restricted"]["BOOL"]) == (
        "er-ticket-1001",
        "2031-04-01",
        True,
    )
    other = dynamodb.get_item(TableName=EVENTS, Key={"pk": {"S": "acct#2"}, "sk": {"S": "entry#1"}})["Item"]
    assert "legal_hold" not in other and other["subject_id"]["S"] == "cust-7"

    certificate = json.loads((tmp_path / "er-ticket-1001.json").read_text())
    assert "cust-42" not in json.dumps(certificate)  # the certificate names a digest, never the subject
    assert certificate["subject_digest"] == hashlib.sha256(b"UK:cust-42").hexdigest()
    assert certificate["stores_searched"] == ["s3", "dynamodb"]


def test_status_reads_the_request_back_from_the_ledger(moto_aws, tmp_path, capsys):
    seed()
    assert erase(capsys, tmp_path)[0] == 0
    code, out, err = run(capsys, "privacy", "status", "-j", "UK", "--request-id", "er-ticket-1001")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "erasure er-ticket-1001 (UK): complete: erased 2, pseudonymised 1, held 2, kept 0, failed 0"
    assert lines[2].startswith(f"  held until 2030-04-01: s3://{BUCKET}/subjects/<subject>/2024/invoice-1.json: ")
    digest = hashlib.sha256((tmp_path / "er-ticket-1001.json").read_text().rstrip("\n").encode()).hexdigest()
    assert lines[-1] == f"certificate sha256 {digest}"
    code, out, _ = run(
        capsys,
        "privacy",
        "status",
        "-j",
        "UK",
        "--request-id",
        "er-ticket-1001",
        "--format",
        "json",
    )
    assert code == 0 and json.loads(out)["counts"]["held"] == 2


def test_a_record_the_store_refuses_to_erase_leaves_the_request_incomplete(moto_aws, tmp_path, capsys):
    seed()
    s3 = client("s3")
    until = datetime.now(UTC) + timedelta(days=30)
    s3.put_object(
        Bucket=BUCKET,
        Key="subjects/cust-42/notes.json",
        Body=b"{}",
        Tagging="data-class=personal-data",
        ObjectLockMode="COMPLIANCE",
        ObjectLockRetainUntilDate=until,
    )
    code, out, _ = erase(capsys, tmp_path)
    assert code == 1
    assert out.splitlines()[0] == (
        "erasure er-ticket-1001 (UK): incomplete: erased 2, pseudonymised 1, held 2, kept 0, failed 1"
    )
    [failed] = [line for line in out.splitlines() if line.startswith("  failed")]
    # The execution names the service's error as Step Functions does for an AWS SDK integration: `s3.<Code>...`.
    assert failed.startswith(f"  failed: s3://{BUCKET}/subjects/cust-42/notes.json (personal-data): s3.AccessDenied")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-j", "FR", "--subject", "cust-42"), "error: unknown jurisdiction 'FR'; allowed: UK, EU, US, CA"),
        (
            ("-j", "UK", "--subject", "ada@example.com"),
            "error: --subject: not a data subject id; allowed: 1-128 letters, digits, '.', '_' or '-' (an opaque id, "
            "never an email), starting with a letter or digit",
        ),
        (
            ("-j", "UK", "--subject", "cust-42", "--region", "us-east-1"),
            "error: --region: 'us-east-1' is outside UK's allowed regions; allowed: eu-west-2, eu-west-1",
        ),
        (
            ("-j", "UK", "--subject", "cust-42", "--as-of", "soon"),
            "error: --as-of: 'soon' is not a date; allowed: YYYY-MM-DD",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(moto_aws, capsys, args, message):
    code, out, err = run(capsys, "privacy", "erase", *args)
    assert (code, out, err) == (2, "", message + "\n")


def test_a_missing_ledger_is_bad_input_and_nothing_is_touched(moto_aws, tmp_path, capsys):
    seed(ledger=False)
    code, _, err = erase(capsys, tmp_path)
    assert (code, err) == (
        2,
        f"error: erasure ledger table '{LEDGER}' does not exist in eu-west-2; deploy the stack (it declares the "
        "ledger) or pass --deployment\n",
    )
    keys = {v["Key"] for v in client("s3").list_object_versions(Bucket=BUCKET)["Versions"]}
    assert "subjects/cust-42/profile.json" in keys


def test_status_of_an_unknown_request_is_bad_input(moto_aws, capsys):
    seed()
    code, _, err = run(capsys, "privacy", "status", "-j", "UK", "--request-id", "er-nothing-here")
    assert (code, err) == (2, f"error: --request-id: no erasure request 'er-nothing-here' in {LEDGER} (eu-west-2)\n")
