"""Locust users and the peak-filing-season shape. Every request is named after its service, so the thresholds
of `load.thresholds` judge exactly the requests of the SLO's service.

Run it with `python -m load.run` (which judges the result), or directly against a host::

    TRUSTFABRIC_LOAD_JURISDICTION=UK locust -f load/locustfile.py --headless --host https://api.uk.example
"""

from __future__ import annotations

import os
import uuid

from locust import HttpUser, LoadTestShape, between, task

from load.profiles import TASK_WEIGHTS, Profile, peak_filing_season


def profile_from_environment() -> Profile:
    return peak_filing_season(
        os.environ.get("TRUSTFABRIC_LOAD_JURISDICTION", "UK"),
        float(os.environ.get("TRUSTFABRIC_LOAD_TIME_SCALE", "1.0")),
        float(os.environ.get("TRUSTFABRIC_LOAD_USER_SCALE", "1.0")),
    )


class FilingSeasonUser(HttpUser):
    """An accountant's client during filing season: uploads documents, files, reads the ledger."""

    wait_time = between(0.05, 0.2)

    @task(TASK_WEIGHTS["ingestion"])
    def upload_document(self) -> None:
        self.client.post(
            "/v1/documents",
            name="ingestion",
            files={"document": (f"{uuid.uuid4()}.pdf", b"%PDF-1.7 peak season receipt", "application/pdf")},
        )

    @task(TASK_WEIGHTS["filing"])
    def submit_filing(self) -> None:
        self.client.post("/v1/filings", name="filing", json={"period": "2025-26", "return": "SA100"})

    @task(TASK_WEIGHTS["api"])
    def read_ledger(self) -> None:
        self.client.get("/v1/ledger/summary", name="api")

    @task(TASK_WEIGHTS["extraction"])
    def extraction_status(self) -> None:
        self.client.post("/v1/extractions", name="extraction", json={"document": str(uuid.uuid4())})


class PeakFilingSeason(LoadTestShape):
    """The deadline-day ramp of the configured jurisdiction, compressed by its time scale."""

    def __init__(self) -> None:
        super().__init__()
        self.profile = profile_from_environment()

    def tick(self) -> tuple[int, float] | None:
        elapsed = self.get_run_time()
        for stage in self.profile.stages:
            if elapsed < stage.seconds:
                return stage.users, stage.spawn_rate
            elapsed -= stage.seconds
        return None
