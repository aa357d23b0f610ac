"""Deterministic resource names: what the components declare, and what the drills and the other stack of a pair
look up again without asking the first stack.

One function per name, so a name is spelled once: the components call these to declare a resource, the drills
(`trustfabric.drills.common.CellNames`) to find it on an account or to seed it on a moto server, and a stack of the
prod/dr pair to derive the ARN of its partner's resource (the copy-target vault, the replica's table).

Two words say who owns a name:

- `deployment`: the name a prod/dr pair shares (`prod` for both; `stacks.settings.deployment`). The resilience
  stores are named by it, so either stack of the pair derives its partner's names; where both stacks of the pair
  declare one in the same account (buckets, vaults, IAM roles), the region keeps them apart.
- `stack`: the stack itself (`prod`, `dr`, `dev`). The IAM baseline and the audit trail are per stack: IAM is
  global and prod and dr share the account their multi-Region keys need, so the stack keeps their roles apart.

S3 bucket names are global across accounts, so they carry the account id and region.

Usage::

    from domain import naming

    assert naming.records_bucket_name("prod", "uk", "eu-west-2", "123456789012") == (
        "trustfabric-prod-uk-records-eu-west-2-123456789012"
    )
    assert naming.role_name("dr", "uk", "key-admin") == "trustfabric-dr-uk-key-admin"
    assert naming.zone_name("prod", "uk") == "uk.trustfabric.example.com"
"""

from __future__ import annotations

PROJECT = "trustfabric"
"""First word of every resource name the project declares."""
PRIMARY_DEPLOYMENT = "prod"
"""The deployment of the primary footprint; its zones sit directly under DOMAIN."""
DOMAIN = "trustfabric.example.com"
"""Parent domain of the cells' public zones."""
API_SERVICE = "api"
"""The service endpoint every cell answers at (`api.<zone>`), and whose failover records the drills move."""
DRILL_PREFIX = "tf-drill"
"""First words of every scratch resource a restore drill creates (never a name a stack declares)."""


def cell_prefix(deployment: str, cell: str) -> str:
    """`trustfabric-<deployment or stack>-<cell>`: the start of a cell's resource names."""
    return f"{PROJECT}-{deployment}-{cell}"


# --- IAM baseline (per stack) ----------------------------------------------------------------------------------


def role_name(stack: str, cell: str, role: str) -> str:
    """The IAM name of a cell's role, e.g. `trustfabric-prod-uk-break-glass` (deterministic, for ARNs)."""
    return f"{cell_prefix(stack, cell)}-{role}"


def role_arn(account_id: str, stack: str, cell: str, role: str) -> str:
    """The ARN of a cell's role; `role="*"` matches every role of the cell."""
    return f"arn:aws:iam::{account_id}:role/{role_name(stack, cell, role)}"


def boundary_name(stack: str, cell: str) -> str:
    """The permission boundary every role of the cell carries."""
    return f"{cell_prefix(stack, cell)}-boundary"


def boundary_arn(account_id: str, stack: str, cell: str) -> str:
    return f"arn:aws:iam::{account_id}:policy/{boundary_name(stack, cell)}"


def access_analyzer_name(stack: str, region: str) -> str:
    """The stack's IAM Access Analyzer in a region (one per region, owned by the region's first cell)."""
    return f"{PROJECT}-{stack}-{region}"


def permission_set_name(stack: str, cell: str, role: str) -> str:
    """The IAM Identity Center permission set of a human role (Identity Center allows 32 characters)."""
    return f"tf-{stack}-{cell}-{role}"[:32]


# --- Audit trail (per stack) -----------------------------------------------------------------------------------


def audit_bucket_prefix(stack: str, cell: str) -> str:
    """Prefix of the cell's audit and access-log bucket names (the auditor role reads what starts with it)."""
    return f"tf-{stack}-{cell}-audit"


def audit_bucket_name(stack: str, cell: str, kind: str, account_id: str, region: str) -> str:
    """Globally unique, deterministic bucket names, e.g. `tf-prod-uk-audit-trail-123456789012-eu-west-2`."""
    return f"{audit_bucket_prefix(stack, cell)}-{kind}-{account_id}-{region}"


def cloudtrail_log_group_name(stack: str, cell: str) -> str:
    """The CloudWatch log group the trail delivers to (and the cloudtrail-logs role may write)."""
    return f"/{PROJECT}/{stack}/{cell}/cloudtrail"


def trail_name(stack: str) -> str:
    """The stack's one multi-Region trail."""
    return f"{PROJECT}-{stack}"


def trail_arn(region: str, account_id: str, stack: str) -> str:
    """The ARN of the stack's trail (its home region is the region of the cell that declares it)."""
    return f"arn:aws:cloudtrail:{region}:{account_id}:trail/{trail_name(stack)}"


def trail_topic_name(stack: str) -> str:
    """The SNS topic CloudTrail announces each delivered log file on."""
    return f"{PROJECT}-{stack}-cloudtrail-log-files"


def security_alert_topic_name(stack: str, cell: str) -> str:
    return f"{cell_prefix(stack, cell)}-security-alerts"


def config_recorder_name(stack: str) -> str:
    """The region's AWS Config recorder and its delivery channel (one per region and account)."""
    return f"{PROJECT}-{stack}"


def config_rule_name(identifier: str) -> str:
    """An AWS Config managed rule, e.g. `CLOUD_TRAIL_ENABLED` -> `trustfabric-cloud-trail-enabled`."""
    return f"{PROJECT}-{identifier.lower().replace('_', '-')}"


# --- KMS -------------------------------------------------------------------------------------------------------


def key_alias_name(jurisdiction: str, purpose: str) -> str:
    """The alias of a cell's key for a purpose, the same in every region (replicas carry the same alias)."""
    return f"alias/{PROJECT}/{jurisdiction.lower()}/{purpose}"


# --- Resilience stores (per deployment) ------------------------------------------------------------------------


def bucket_arn(name: str) -> str:
    return f"arn:aws:s3:::{name}"


def records_bucket_name(deployment: str, cell: str, region: str, account_id: str) -> str:
    """The records bucket of a cell in a region (S3 names are global: region and account are part of it)."""
    return f"{cell_prefix(deployment, cell)}-records-{region}-{account_id}"


def records_log_bucket_name(deployment: str, cell: str, region: str, account_id: str) -> str:
    """The server access-log bucket beside the records bucket."""
    return f"{cell_prefix(deployment, cell)}-records-logs-{region}-{account_id}"


def records_replication_role_name(deployment: str, cell: str, region: str) -> str:
    """The role S3 assumes to replicate the records bucket of `region` to the paired region."""
    return f"{cell_prefix(deployment, cell)}-{region}-records-replication"


def ledger_table_name(deployment: str, cell: str) -> str:
    """The ledger events table, the same in every region of the global table."""
    return f"{cell_prefix(deployment, cell)}-ledger-events"


def ledger_table_arn(account_id: str, deployment: str, cell: str, region: str) -> str:
    """The ARN of the ledger table (or its replica) in a region."""
    return f"arn:aws:dynamodb:{region}:{account_id}:table/{ledger_table_name(deployment, cell)}"


def erasure_ledger_table_name(deployment: str, cell: str) -> str:
    """The erasure request ledger (`trustfabric privacy`), the same in every region of the global table."""
    return f"{cell_prefix(deployment, cell)}-erasure-ledger"


def erasure_ledger_table_arn(account_id: str, deployment: str, cell: str, region: str) -> str:
    """The ARN of the erasure ledger (or its replica) in a region."""
    return f"arn:aws:dynamodb:{region}:{account_id}:table/{erasure_ledger_table_name(deployment, cell)}"


def erasure_state_machine_name(deployment: str, cell: str) -> str:
    """The cell's erasure workflow (`trustfabric privacy erase` starts it), the same name in each region."""
    return f"{cell_prefix(deployment, cell)}-erasure"


def erasure_state_machine_arn(account_id: str, deployment: str, cell: str, region: str) -> str:
    return f"arn:aws:states:{region}:{account_id}:stateMachine:{erasure_state_machine_name(deployment, cell)}"


def erasure_role_name(deployment: str, cell: str, region: str) -> str:
    """The erasure workflow's execution role in a region (IAM names are global; the cell's keys admit it by name)."""
    return f"{erasure_state_machine_name(deployment, cell)}-{region}"


def global_cluster_identifier(deployment: str, cell: str) -> str:
    """The ledger's Aurora global database, shared by both stacks of the pair."""
    return f"{cell_prefix(deployment, cell)}-ledger"


def cluster_identifier(deployment: str, cell: str, region: str) -> str:
    """The ledger's Aurora cluster in a region (a member of the global database)."""
    return f"{global_cluster_identifier(deployment, cell)}-{region}"


def backup_vault_name(deployment: str, cell: str, region: str) -> str:
    """The vault of a cell in a region, e.g. `trustfabric-prod-uk-eu-west-2` (prod and dr share `prod`)."""
    return f"{cell_prefix(deployment, cell)}-{region}"


def backup_vault_arn(account_id: str, deployment: str, cell: str, region: str) -> str:
    """The ARN of a cell's vault in a region (the copy target the other stack of the pair declares)."""
    return f"arn:aws:backup:{region}:{account_id}:backup-vault:{backup_vault_name(deployment, cell, region)}"


def backup_role_name(deployment: str, cell: str, region: str) -> str:
    """The role AWS Backup assumes for the cell's plans in a region."""
    return f"{cell_prefix(deployment, cell)}-{region}-backup"


def backup_plan_name(deployment: str, cell: str, region: str, tier: str) -> str:
    return f"{cell_prefix(deployment, cell)}-{region}-{tier}"


def backup_selection_name(cell: str, tier: str, kind: str) -> str:
    """A tier's selection (`selection` by tag, `untagged-selection` by ARN only); AWS allows 50 characters."""
    return f"{PROJECT}-{cell}-{tier}-{kind}"


# --- Network ---------------------------------------------------------------------------------------------------


def flow_log_group_name(deployment: str, cell: str, region: str) -> str:
    return f"/{PROJECT}/{deployment}/{cell}/{region}/vpc-flow-logs"


def flow_log_role_name(deployment: str, cell: str, region: str) -> str:
    """IAM names are account-wide: the region keeps prod's and dr's roles apart."""
    return f"{cell_prefix(deployment, cell)}-{region}-flow-logs"


# --- Failover routing ------------------------------------------------------------------------------------------


def zone_name(deployment: str, cell: str) -> str:
    """The cell's public zone: `<cell>.<DOMAIN>` for the primary deployment, `<cell>.<deployment>.<DOMAIN>` else."""
    if deployment == PRIMARY_DEPLOYMENT:
        return f"{cell}.{DOMAIN}"
    return f"{cell}.{deployment}.{DOMAIN}"


def service_record_name(service: str, zone: str) -> str:
    """The failover record clients resolve, e.g. `api.uk.trustfabric.example.com`."""
    return f"{service}.{zone}"


def regional_endpoint(service: str, region: str, zone: str) -> str:
    """Where a region serves the service (`api.<region>.<zone>`): a failover record's value, its health check."""
    return f"{service}.{region}.{zone}"


def regional_label(service: str, region: str) -> str:
    """`api-eu-west-2`: the set identifier of a region's failover record and the Name of its health check."""
    return f"{service}-{region}"


def query_log_group_name(zone: str) -> str:
    """The log group Route53 writes the zone's query logs to (Route53 requires the `/aws/route53/` prefix)."""
    return f"/aws/route53/{zone}"


# --- Drills ----------------------------------------------------------------------------------------------------


def drill_prefix(jurisdiction: str, drill_id: str) -> str:
    """First words of the scratch resources of one restore drill run, e.g. `tf-drill-uk-20250101t120000-a1b2c3`."""
    return f"{DRILL_PREFIX}-{jurisdiction.lower()}-{drill_id}"
