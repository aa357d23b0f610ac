"""stack-dr-readiness-replica-in-paired-region and recovery tiers: a store whose tier a cross-region backup copy
meets passes without a global database or a replica; the shipped tiers (and untagged stores) still need one."""

from __future__ import annotations

import pytest

from policies.stack.dr_readiness import POLICY
from tests.policies.harness import UNKNOWN, evaluate, graph_of, resource, run_snippet
from trustfabric.errors import TrustFabricError
from trustfabric.gate.config import load_policy_config

WARM = {
    "description": "Internal reporting stores: warm standby restored from hourly cross-region copies.",
    "rpo_minutes": 60,
    "rto_minutes": 240,
    "failover_rpo_minutes": 480,
    "failover_rto_minutes": 480,
}
CONFIG = {"additionalTiers": {"warm": WARM}}

PROGRAM = """
import pulumi, pulumi_aws as aws
prod = pulumi.ResourceOptions(provider=aws.Provider("prod", region="eu-west-2", default_tags={"tags": {
    "jurisdiction": "UK", "stack": "prod"}}))
COPY = "arn:aws:backup:eu-west-1:123456789012:backup-vault:trustfabric-prod-uk-eu-west-1"
vault = aws.backup.Vault("vault", name="trustfabric-prod-uk-eu-west-2", opts=prod)
def plan(name, rule, stores):
    created = aws.backup.Plan(name, rules=[dict(rule_name=name, target_vault_name=vault.name, **rule)], opts=prod)
    aws.backup.Selection(name, plan_id=created.id, iam_role_arn="arn:aws:iam::123456789012:role/backup",
        resources=[store.arn for store in stores])
def cluster(name, **tags):
    return aws.rds.Cluster(name, engine="aurora-postgresql", tags=tags, opts=prod)
def table(name, **tags):
    return aws.dynamodb.Table(name, hash_key="id", attributes=[{"name": "id", "type": "S"}], tags=tags, opts=prod)
"""

COMPLIANT = (
    PROGRAM
    + """
hourly = {"schedule": "cron(0 * * * ? *)", "start_window": 60, "completion_window": 120,
          "copy_actions": [{"destination_vault_arn": COPY}]}
plan("warm-hourly", hourly, [cluster("reporting", **{"backup-tier": "warm"}), table("history", **{"backup-tier": "warm"})])
# A tier0 store still fails over through its global database; it needs no copy rule to pass.
global_db = aws.rds.GlobalCluster("ledger", global_cluster_identifier="ledger", engine="aurora-postgresql", opts=prod)
aws.rds.Cluster("ledger", engine="aurora-postgresql", global_cluster_identifier=global_db.id,
    tags={"backup-tier": "tier0"}, opts=prod)
"""
)

BROKEN = (
    PROGRAM
    + """
hourly = {"schedule": "cron(0 * * * ? *)", "start_window": 60, "completion_window": 120,
          "copy_actions": [{"destination_vault_arn": COPY}]}
plan("hourly", hourly, [cluster("untagged"), table("typo", **{"backup-tier": "wram"}),
                        cluster("ledger", **{"backup-tier": "tier0"})])
plan("daily", {"schedule": "cron(0 3 * * ? *)", "copy_actions": [{"destination_vault_arn": COPY}]},
     [cluster("slow", **{"backup-tier": "warm"})])
plan("local", {"schedule": "cron(0 * * * ? *)", "start_window": 60, "completion_window": 120},
     [table("uncopied", **{"backup-tier": "warm"})])
plan("monthly", {"schedule": "cron(0 3 1 * ? *)", "start_window": 60, "completion_window": 120,
                 "copy_actions": [{"destination_vault_arn": COPY}]}, [cluster("monthly", **{"backup-tier": "warm"})])
"""
)

GLOBAL = (
    "is not a member of a global database; set global_cluster_identifier so that the cell's other member runs in "
    "the paired region eu-west-1."
)
TIER0 = (
    "fails over within RPO 1 min / RTO 15 min, which a backup copy cannot meet (restoring one takes up to the tier's "
    "restore RTO of 240 min)."
)
WARM_LEAD = "Its tier 'warm' (failover RPO 480 min / RTO 480 min) may fail over by restoring a backup copy instead, but"
NO_REPLICA = (
    "has no replica in the paired region eu-west-1; add replicas=[{region_name: 'eu-west-1', kms_key_arn: <the data "
    "key's replica>}]."
)


def test_stores_of_a_tier_a_cross_region_copy_meets_pass_without_a_replica(tmp_path):
    assert evaluate(POLICY, run_snippet(tmp_path, COMPLIANT), CONFIG) == []


def test_without_the_warm_tier_the_same_stores_need_their_replicas(tmp_path):
    found = sorted(d.urn.rsplit("::", 1)[1] for d in evaluate(POLICY, run_snippet(tmp_path, COMPLIANT)))
    assert found == ["history", "reporting"]  # backup-tier 'warm' names no shipped tier: held to the strictest


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    return {
        d.urn.rsplit("::", 1)[1]: d.detail
        for d in evaluate(POLICY, run_snippet(tmp_path_factory.mktemp("broken"), BROKEN), CONFIG)
    }


def test_every_way_to_miss_the_tier_is_reported(broken):
    assert broken == {
        "untagged": f"Aurora cluster 'untagged' (UK, eu-west-2) {GLOBAL} Its tier 'tier0' (the strictest: it has no "
        f"backup-tier tag) {TIER0}",
        "typo": f"DynamoDB table 'typo' (UK, eu-west-2) {NO_REPLICA} Its tier 'tier0' (the strictest: backup-tier "
        f"'wram' is not a tier) {TIER0}",
        "ledger": f"Aurora cluster 'ledger' (UK, eu-west-2) {GLOBAL} Its tier 'tier0' {TIER0}",
        "slow": f"Aurora cluster 'slow' (UK, eu-west-2) {GLOBAL} {WARM_LEAD} its best copy into eu-west-1 (rule "
        "'daily' of plan 'daily') can lose up to 12060 min; shorten that rule's schedule or windows to copy within "
        "480 min.",
        "uncopied": f"DynamoDB table 'uncopied' (UK, eu-west-2) {NO_REPLICA} {WARM_LEAD} no backup rule covering it "
        "copies into eu-west-1; select it in a backup plan whose rules copy to the cell's vault in eu-west-1.",
        "monthly": f"Aurora cluster 'monthly' (UK, eu-west-2) {GLOBAL} {WARM_LEAD} the schedule of rule 'monthly' of "
        "plan 'monthly', which copies into eu-west-1, is not a daily or weekly cron whose interval can be proven; "
        "schedule it daily or weekly.",
        # The vault's own rule without a copy: the vault check of the same policy.
        "vault": "Backup vault 'vault' (UK, eu-west-2): rule 'local' of plan 'local' has no copy action into the "
        "paired region; add a copy action to the cell's vault in the paired region eu-west-1 on every rule.",
    }


def test_the_copy_transfer_allowance_counts_and_cannot_be_claimed_below_its_floor(tmp_path):
    from trustfabric.gate import policy_floors

    # 60 + 60 + 120 + 240 = 480: still within the warm tier's failover RPO; one minute more is not.
    graph = run_snippet(tmp_path, COMPLIANT)
    assert evaluate(POLICY, graph, {**CONFIG, "copyTransferMinutes": 240}) == []
    assert len(evaluate(POLICY, graph, {**CONFIG, "copyTransferMinutes": 241})) == 2
    floor = policy_floors(POLICY)["copyTransferMinutes"]
    assert floor.loosened_by(30) and not floor.loosened_by(60)


def test_a_config_adds_tiers_but_never_redefines_a_shipped_one(tmp_path):
    loose = {"rto_minutes": 60, "failover_rpo_minutes": 100000, "failover_rto_minutes": 100000}
    path = tmp_path / "config.json"
    path.write_text(
        '{"stack-dr-readiness-replica-in-paired-region": {"additionalTiers": {"tier0": '
        + str(loose).replace("'", '"')
        + "}}}"
    )
    with pytest.raises(TrustFabricError) as raised:
        load_policy_config(path, [POLICY])
    assert str(raised.value) == (
        f"{path}: stack-dr-readiness-replica-in-paired-region.additionalTiers: 'tier0' should not be valid under "
        "{'enum': ['records', 'tier0']}"
    )
    # Even handed to the pack directly, a shipped tier keeps its shipped objectives.
    graph = run_snippet(tmp_path, BROKEN)
    found = [d.detail for d in evaluate(POLICY, graph, {"additionalTiers": {"tier0": loose}})]
    assert any(detail.startswith("Aurora cluster 'ledger'") and TIER0 in detail for detail in found)


def test_unknown_tier_tags_and_coverage_are_never_a_pass():
    tags = {"defaultTags": {"tags": {"jurisdiction": "UK", "stack": "prod"}}}
    unknown_tier = resource(
        "aws:rds/cluster:Cluster",
        {"engine": "aurora-postgresql", "tags": {"backup-tier": UNKNOWN}},
        name="c",
        provider_inputs=tags,
    )
    [diagnostic] = evaluate(POLICY, unknown_tier, CONFIG)
    assert diagnostic.detail == (
        f"Aurora cluster 'c' (UK, eu-west-2) {GLOBAL} Its tier 'tier0' (the strictest: its backup-tier tag is not "
        f"known during preview) {TIER0}"
    )
    warm = resource(
        "aws:rds/cluster:Cluster",
        {"engine": "aurora-postgresql", "tags": {"backup-tier": "warm"}},
        name="c",
        provider_inputs=tags,
    )
    selection = resource("aws:backup/selection:Selection", {"resources": UNKNOWN}, name="s", provider_inputs=tags)
    [diagnostic] = evaluate(POLICY, graph_of(warm, selection), CONFIG)
    assert diagnostic.detail == (
        f"Aurora cluster 'c' (UK, eu-west-2) {GLOBAL} {WARM_LEAD} whether selection 's' covers it is not known "
        "during preview, so a copy into eu-west-1 within 480 min cannot be proven."
    )


def test_an_unknown_schedule_of_a_copying_rule_is_never_a_pass(tmp_path):
    from dataclasses import replace

    graph = run_snippet(tmp_path, COMPLIANT)
    (urn,) = [r.urn for r in graph if r.name == "warm-hourly" and r.type == "aws:backup/plan:Plan"]
    plan = graph.resources[urn]
    rules = [{**plan.inputs["rules"][0], "schedule": UNKNOWN}]
    graph.resources[urn] = replace(plan, inputs={**plan.inputs, "rules": rules})
    found = sorted(d.detail for d in evaluate(POLICY, graph, CONFIG) if not d.detail.startswith("Backup vault"))
    assert found == [
        f"{kind} '{name}' (UK, eu-west-2) {problem} {WARM_LEAD} the schedule or windows of rule 'warm-hourly' of "
        "plan 'warm-hourly' is not known during preview, so a copy into eu-west-1 within 480 min cannot be proven."
        for kind, name, problem in (("Aurora cluster", "reporting", GLOBAL), ("DynamoDB table", "history", NO_REPLICA))
    ]
