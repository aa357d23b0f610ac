"""`audit` and the drills against an endpoint that answers but is not AWS, or with a region that is not one:
one line naming the endpoint or the region, exit code 2, never a traceback."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

from tests.robustness.conftest import assert_bad_input, run_cli

NOT_AN_ACCOUNT = (
    b'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>'
    b"<Account>nobody</Account></GetCallerIdentityResult></GetCallerIdentityResponse>"
)
REPLIES = {
    "html": (200, "text/html", b"<html><body>Welcome to nginx!</body></html>"),
    "not-found": (404, "text/html", b"<html><body>Not Found</body></html>"),
    "json": (200, "application/json", b'{"hello": "world"}'),
    "not-an-account": (200, "text/xml", NOT_AN_ACCOUNT),
}


class _Handler(http.server.BaseHTTPRequestHandler):
    reply: tuple[int, str, bytes] = REPLIES["html"]

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, content_type, body = self.reply
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_HEAD = _answer

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing-secret-value",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(params=sorted(REPLIES))
def not_aws(request: pytest.FixtureRequest, credentials: None) -> Iterator[str]:
    """The URL of a local web server that answers every request, but not as AWS does."""
    handler = type("Handler", (_Handler,), {"reply": REPLIES[request.param]})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    "command",
    [
        ["audit", "security", "--region", "eu-west-2"],
        ["drill", "seed", "--jurisdiction", "uk"],
        ["drill", "restore", "--jurisdiction", "uk"],
        ["drill", "failover", "--jurisdiction", "uk"],
    ],
    ids=["audit", "drill-seed", "drill-restore", "drill-failover"],
)
def test_an_endpoint_that_is_not_aws_is_one_line(not_aws: str, command: list[str]):
    outcome = run_cli([*command, "--endpoint-url", not_aws])
    assert_bad_input(outcome, f"endpoint {not_aws} answered, but not as AWS does", secrets=["testing-secret-value"])


@pytest.mark.parametrize("region", ["garbage!!", "mars-east-9", "EU-WEST-2", "eu-west-2 ", "x" * 500])
def test_a_region_that_is_not_aws_is_named_by_audit(credentials: None, region: str):
    line = assert_bad_input(run_cli(["audit", "security", "--region", region]), "--region", "is not an AWS region")
    assert repr(region)[:30] in line


def test_a_default_region_that_is_not_aws_is_named_by_the_drills(credentials: None, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "garbage")
    outcome = run_cli(["drill", "seed", "--jurisdiction", "uk", "--endpoint-url", "http://127.0.0.1:9"])
    assert_bad_input(outcome, "AWS_DEFAULT_REGION", "'garbage' is not an AWS region")
