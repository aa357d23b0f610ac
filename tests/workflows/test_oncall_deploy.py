"""deploy.yml applies the on-call directory (`oncall/`, stack `pagerduty`) before prod, whose PagerDuty services
read its `escalation_policy_id` output (docs/adr/0011-on-call-as-code.md)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from stacks.settings import parse_settings
from tests.workflows.conftest import REPO_ROOT


def up_step(job: dict) -> dict:
    (step,) = [s for s in job["steps"] if str(s.get("uses", "")).startswith("pulumi/actions@")]
    return step


def test_the_directory_is_deployed_before_prod_and_dr(workflows):
    jobs = workflows["deploy.yml"]["jobs"]
    oncall = jobs["oncall"]
    assert oncall["needs"] == ["release-gate"]
    assert "oncall" in jobs["prod"]["needs"] and jobs["dr"]["needs"] == ["prod"]  # dr after prod, so after oncall
    step = up_step(oncall)
    assert step["with"]["command"] == "up"
    assert (step["with"]["work-dir"], step["with"]["stack-name"]) == ("oncall", "pagerduty")
    # The stack exists in the repository, and the pack judges it as it judges the cloud stacks.
    assert (REPO_ROOT / "oncall" / "Pulumi.pagerduty.yaml").is_file()
    assert (Path(REPO_ROOT / "oncall") / step["with"]["policyPacks"]).resolve() == REPO_ROOT / "policies"
    assert step["with"]["cloud-url"] == jobs["prod"]["steps"][-1]["with"]["cloud-url"]
    assert step["with"]["pulumi-version"] == up_step(jobs["prod"])["with"]["pulumi-version"]
    # Its token comes from its own environment; no cloud secret reaches it.
    assert oncall["environment"] == "oncall"
    assert step["env"] == {"PAGERDUTY_TOKEN": "${{ secrets.PAGERDUTY_TOKEN }}"}


def test_prod_and_dr_read_the_stack_the_job_deploys():
    """The directory stack the cloud stacks' services read is the project and stack the job applies."""
    project = yaml.safe_load((REPO_ROOT / "oncall" / "Pulumi.yaml").read_text(encoding="utf-8"))["name"]
    for stack in ("prod", "dr"):
        config = yaml.safe_load((REPO_ROOT / f"Pulumi.{stack}.yaml").read_text(encoding="utf-8"))["config"]
        values = {key: value if isinstance(value, str) else json.dumps(value) for key, value in config.items()}
        values = {key: value for key, value in values.items() if key.startswith("trust-fabric:")}
        settings = parse_settings(values, project="trust-fabric", stack=stack, source=f"Pulumi.{stack}.yaml")
        assert settings.oncall.directory_stack.split("/")[-2:] == [project, "pagerduty"], stack
