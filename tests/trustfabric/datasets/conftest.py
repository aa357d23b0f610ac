"""Fixtures of the dataset tests: a moto S3 server with an Object Lock bucket, and dataset directories."""

from __future__ import annotations

import logging
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

DUMMY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "eu-west-2",
}
LOCKED_BUCKET = "golden-datasets"
PLAIN_BUCKET = "plain-bucket"


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """A moto server on 127.0.0.1 (free port) for the whole session."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_endpoint(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A reset moto server with dummy credentials, a dataset bucket with Object Lock (governance, 30 days) and a
    bucket without."""
    for name, value in DUMMY_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    with urllib.request.urlopen(urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST"), timeout=10):
        pass
    s3 = boto3.client("s3", endpoint_url=moto_server)
    location = {"LocationConstraint": "eu-west-2"}
    s3.create_bucket(Bucket=LOCKED_BUCKET, CreateBucketConfiguration=location, ObjectLockEnabledForBucket=True)
    s3.put_object_lock_configuration(
        Bucket=LOCKED_BUCKET,
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 30}},
        },
    )
    s3.create_bucket(Bucket=PLAIN_BUCKET, CreateBucketConfiguration=location)
    return moto_server


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """Where a test's local store goes (created by the first ingest)."""
    return tmp_path / "store"
