"""runbooks/pagerduty-routing-keys.md tells the truth about what the stacks need from people: the settings keys
of Datadog's PagerDuty integration, and a Vault grant that covers every path the deploy writes to draw a token."""

from __future__ import annotations

import re
from fnmatch import fnmatchcase

import pytest

from stacks.observability import PAGERDUTY_API_TOKEN
from stacks.settings_oncall import ONCALL_KEYS
from tests.conftest import REPO_ROOT

ENDPOINT = "vault:generic/endpoint:Endpoint"
RUNBOOK = REPO_ROOT / "runbooks" / "pagerduty-routing-keys.md"
GRANT = re.compile(r'path "([^"]+)" \{\s*capabilities = \[([^\]]*)\]\s*\}')


def runbook_grants() -> dict[str, set[str]]:
    """Vault path pattern -> capabilities, from the runbook's HCL blocks."""
    text = RUNBOOK.read_text(encoding="utf-8")
    return {path: {c.strip().strip('"') for c in capabilities.split(",")} for path, capabilities in GRANT.findall(text)}


def test_the_runbook_names_the_integrations_settings_and_how_to_set_the_token():
    text = RUNBOOK.read_text(encoding="utf-8")
    assert "pagerdutySubdomain" in ONCALL_KEYS and "oncall.pagerdutySubdomain" in text
    assert f"pulumi config set --secret trust-fabric:{PAGERDUTY_API_TOKEN} -s prod" in text
    for word in ("Owner:", "Rotate it", "Read-only API Key"):
        assert word in text, word


@pytest.mark.parametrize("stack", ["prod", "dr"])
def test_the_documented_deploy_grant_covers_every_vault_write_of_the_stack(request, stack):
    """The deploy's Vault policy is not declared here: the runbook's grant is what its maintainers add, so it must
    allow `update` on every path the stack writes through a generic endpoint (the ticket bridge's token)."""
    graph = request.getfixturevalue(stack)
    grants = runbook_grants()
    assert grants
    paths = [endpoint.props["path"] for endpoint in graph.of_type(ENDPOINT)]
    assert paths and all(path.startswith("sys/tools/random/") for path in paths)
    for path in paths:
        assert any(fnmatchcase(path, pattern) and "update" in caps for pattern, caps in grants.items()), path
    assert not any("sudo" in caps for caps in grants.values())  # docs/adr/0003: no policy grants sudo
