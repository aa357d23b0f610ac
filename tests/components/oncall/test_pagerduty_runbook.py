"""runbooks/pagerduty-routing-keys.md tells the truth about what the stacks need from people: the settings keys
of Datadog's PagerDuty integration, and a Vault grant that covers every path the deploy writes to draw a token."""

from __future__ import annotations

from stacks.observability import PAGERDUTY_API_TOKEN
from stacks.settings_oncall import ONCALL_KEYS
from tests.conftest import REPO_ROOT

RUNBOOK = REPO_ROOT / "runbooks" / "pagerduty-routing-keys.md"


def test_the_runbook_names_the_integrations_settings_and_how_to_set_the_token():
    text = RUNBOOK.read_text(encoding="utf-8")
    assert "pagerdutySubdomain" in ONCALL_KEYS and "oncall.pagerdutySubdomain" in text
    assert f"pulumi config set --secret trust-fabric:{PAGERDUTY_API_TOKEN} -s prod" in text
    for word in ("Owner:", "Rotate it", "Read-only API Key"):
        assert word in text, word


def test_the_runbook_points_at_the_deploy_policy_that_grants_the_token_draw():
    """The grant itself is proved against the stacks' previews in tests/vault/test_platform_deployer.py."""
    text = RUNBOOK.read_text(encoding="utf-8")
    assert "vault/policies/platform-deployer.hcl" in text and "sys/tools/random/32" in text
    assert (REPO_ROOT / "vault" / "policies" / "platform-deployer.hcl").is_file()
