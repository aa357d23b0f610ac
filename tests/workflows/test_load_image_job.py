"""The deploy workflow's load-test image job: before prod deploys (prod resolves the image's content-hash tag to a
digest), it builds load/Dockerfile once and pushes it under that tag to each prod cell's repository that lacks it.

The push step is read from deploy.yml and run as the runner runs it (bash -e), with `aws` and `docker` replaced by
stubs on PATH that record their calls: a repository already holding the tag is left alone (tags are immutable).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from load.image import content_tag
from tests.workflows.conftest import BIN, REPO_ROOT, load_workflow

DEPLOY = REPO_ROOT / ".github" / "workflows" / "deploy.yml"


def jobs() -> dict:
    return load_workflow(DEPLOY)["jobs"]


def test_prod_waits_for_the_image_and_the_job_is_least_privilege():
    job = jobs()["load-image"]
    assert "load-image" in jobs()["prod"]["needs"]
    assert job["needs"] == ["release-gate"]
    assert job["permissions"] == {"contents": "read", "id-token": "write"}
    assert job["environment"] == "prod"


def _stub(directory: Path, name: str, body: str) -> None:
    path = directory / name
    path.write_text(f'#!/bin/bash\necho "{name} $*" >> "$CALLS"\n{body}\n')
    path.chmod(0o755)


def test_the_image_is_built_once_and_pushed_where_its_tag_is_missing(tmp_path):
    stubs = tmp_path / "bin"
    stubs.mkdir()
    # ECR already holds this content in us-east-1 only.
    _stub(stubs, "aws", 'if [ "$1 $2" = "ecr describe-images" ]; then [[ "$*" == *us-east-1* ]]; exit; fi\necho token')
    _stub(stubs, "docker", "cat > /dev/null 2>&1 || true")
    (step,) = [s["run"] for s in jobs()["load-image"]["steps"] if s.get("id") == "load-image-push"]
    calls = tmp_path / "calls.txt"
    environment = {
        **os.environ,
        "PATH": f"{stubs}{os.pathsep}{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "CALLS": str(calls),
        "AWS_ACCOUNT_ID": "123456789012",
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }
    result = subprocess.run(
        ["bash", "-e", "-c", step], cwd=REPO_ROOT, env=environment, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    tag = content_tag()
    docker = [line for line in calls.read_text().splitlines() if line.startswith("docker ")]
    assert docker[0] == f"docker build --pull -f load/Dockerfile -t load-test:{tag} ."
    assert [line for line in docker if line.startswith("docker build")] == [docker[0]]
    pushed = [line.removeprefix("docker push ") for line in docker if line.startswith("docker push ")]
    assert pushed == [
        f"123456789012.dkr.ecr.{region}.amazonaws.com/trustfabric-prod-{cell}-load-test:{tag}"
        for region, cell in (("eu-west-2", "uk"), ("eu-central-1", "eu"), ("ca-central-1", "ca"))
    ]
    assert f"trustfabric-prod-us-load-test:{tag} is already in us-east-1" in result.stdout
    assert f"tag `{tag}` in:" in (tmp_path / "summary.md").read_text()
