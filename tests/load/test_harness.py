"""The Locust harness, run for a few seconds against a stub service started here: a stub that meets the SLOs
passes, one that injects errors fails, and bad input is refused with exit code 2.

Locust runs in a child process (`python -m load.run`): it patches the standard library with gevent on import,
which must never happen inside the test process.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from trustfabric.release.conditions import judge_load, load_input

REPO_ROOT = Path(__file__).resolve().parents[2]


class StubService(BaseHTTPRequestHandler):
    """Answers every route of the harness; `fail_every` > 0 answers 503 to every n-th filing submission."""

    fail_every = 0
    filings = 0
    lock = threading.Lock()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        status = 201 if self.command == "POST" else 200
        if self.path == "/v1/filings":
            with self.lock:
                type(self).filings += 1
                if self.fail_every and type(self).filings % self.fail_every == 0:
                    status = 503
        body = b"{}"
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = _answer
    do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:
        return


def serve(fail_every: int) -> Iterator[str]:
    handler = type("Stub", (StubService,), {"fail_every": fail_every, "filings": 0, "lock": threading.Lock()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def healthy() -> Iterator[str]:
    yield from serve(fail_every=0)


@pytest.fixture
def failing() -> Iterator[str]:
    yield from serve(fail_every=10)


def run_harness(host: str, out: Path | str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "load.run",
            "--host",
            host,
            "--jurisdiction",
            "UK",
            "--time-scale",
            "0.002",
            "--user-scale",
            "0.02",
            "--out",
            str(out),
            *extra,
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_service_meeting_its_slos_passes(healthy, tmp_path):
    result = run_harness(healthy, tmp_path / "result.json")
    assert result.returncode == 0, result.stdout + result.stderr
    verdicts = json.loads((tmp_path / "result.json").read_text())
    assert verdicts["passed"] is True
    assert {v["slo"] for v in verdicts["verdicts"]} == {
        "api-latency",
        "extraction-availability",
        "filing-success",
        "ingestion-availability",
    }
    assert all(v["requests"] > 0 and v["observed_ratio"] == 0 for v in verdicts["verdicts"])
    condition = judge_load(load_input(tmp_path / "result.json", "load-result", "--load"), required=False)
    assert (condition.status, condition.failures) == ("pass", [])


def test_a_service_injecting_errors_fails(failing, tmp_path):
    result = run_harness(failing, tmp_path / "result.json")
    assert result.returncode == 1, result.stdout + result.stderr
    verdicts = {v["slo"]: v for v in json.loads((tmp_path / "result.json").read_text())["verdicts"]}
    assert verdicts["filing-success"]["passed"] is False
    assert verdicts["filing-success"]["observed_ratio"] > 0.001
    assert verdicts["ingestion-availability"]["passed"] is True
    assert "FAIL filing-success" in result.stdout
    condition = judge_load(load_input(tmp_path / "result.json", "load-result", "--load"), required=False)
    assert condition.status == "fail"
    assert [line.split(":")[1].strip() for line in condition.failures] == ["filing-success (filing)"]


def test_out_dash_prints_the_result_as_the_logs_last_line(failing, tmp_path):
    """The in-cluster Job writes no file: its result is the last line of its log, one JSON document."""
    result = run_harness(failing, "-")
    assert result.returncode == 1, result.stdout + result.stderr
    last = json.loads(result.stdout.splitlines()[-1])
    assert last["passed"] is False
    assert {v["slo"]: v["passed"] for v in last["verdicts"]}["filing-success"] is False
    assert "FAIL filing-success" in "\n".join(result.stdout.splitlines()[:-1])
    assert not (REPO_ROOT / "-").exists()


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    result = run_harness("http://127.0.0.1:9", tmp_path / "result.json", "--jurisdiction", "FR")
    assert result.returncode == 2
    assert result.stderr == "error: jurisdiction: 'FR' is unknown; allowed: UK, EU, US, CA\n"
    assert not (tmp_path / "result.json").exists()
