"""Identity Center: a permission set per (cell, job function) under the cell's boundary, short privileged
sessions, group assignments for standing functions only, all in the home region; exact argument errors."""

from __future__ import annotations

import json

from components.identity.identity_center import CellAccess, IdentityCenterArgs, validate_args
from components.identity.job_functions import JOB_FUNCTIONS, by_name
from tests.components.helpers import CELLS, only, provider_tags, refusal

PERMISSION_SET = "aws:ssoadmin/permissionSet:PermissionSet"
ASSIGNMENT = "aws:ssoadmin/accountAssignment:AccountAssignment"
MANAGED = "aws:ssoadmin/managedPolicyAttachmentsExclusive:ManagedPolicyAttachmentsExclusive"
BOUNDARY = "aws:ssoadmin/permissionsBoundaryAttachment:PermissionsBoundaryAttachment"
INLINE = "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy"
INSTANCE = "arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6"
GROUPS = {
    "auditor": "9067a1b2c3-1f0e8a52-7c41-4b7e-9d2a-0a1b2c3d4e01",
    "platform-engineer": "9067a1b2c3-1f0e8a52-7c41-4b7e-9d2a-0a1b2c3d4e02",
    "sre-on-call": "9067a1b2c3-1f0e8a52-7c41-4b7e-9d2a-0a1b2c3d4e03",
    "security": "9067a1b2c3-1f0e8a52-7c41-4b7e-9d2a-0a1b2c3d4e04",
    "support": "9067a1b2c3-1f0e8a52-7c41-4b7e-9d2a-0a1b2c3d4e05",
}
"""The group ids Pulumi.prod.yaml and Pulumi.dr.yaml name."""


def test_prod_and_dr_have_a_set_per_cell_and_job_function_and_dev_none(prod, dr, dev):
    for graph, stack in ((prod, "prod"), (dr, "dr")):
        names = sorted(r.props["name"] for r in graph.of_type(PERMISSION_SET))
        assert names == sorted(f"tf-{stack}-{cell}-{f.name}" for cell in CELLS for f in JOB_FUNCTIONS)
        assert {r.props["instanceArn"] for r in graph.of_type(PERMISSION_SET)} == {INSTANCE}
    assert dev.of_type(PERMISSION_SET) == []


def test_everything_lives_in_the_home_region_through_the_uk_cell(prod, dr):
    for graph in (prod, dr):
        for type_ in (PERMISSION_SET, ASSIGNMENT, MANAGED, BOUNDARY, INLINE):
            for resource in graph.of_type(type_):
                assert resource.props["region"] == "eu-west-2", resource.name
                assert provider_tags(graph, resource)["jurisdiction"] == "UK", resource.name


def test_privileged_sets_last_an_hour_at_most_and_others_four(prod):
    for cell in CELLS:
        for function in JOB_FUNCTIONS:
            permission_set = only(prod, PERMISSION_SET, f"uk-identity-{cell}-{function.name}")
            assert permission_set.props["sessionDuration"] == ("PT1H" if function.privileged else "PT4H")


def test_policies_are_attached_exclusively_under_the_cells_boundary(prod):
    for cell in CELLS:
        for function in JOB_FUNCTIONS:
            prefix = f"uk-identity-{cell}-{function.name}"
            managed = only(prod, MANAGED, f"{prefix}-managed")
            assert managed.props["managedPolicyArns"] == list(function.managed_policies)
            boundary = only(prod, BOUNDARY, f"{prefix}-boundary")
            reference = boundary.props["permissionsBoundary"]["customerManagedPolicyReference"]
            assert reference["name"] == f"trustfabric-prod-{cell}-boundary"


def test_the_auditor_never_reads_data():
    assert not any(arn.endswith("/ReadOnlyAccess") for arn in by_name("auditor").managed_policies)


def test_on_call_carries_the_containment_actions_in_its_cells_regions(prod):
    inline = only(prod, INLINE, "uk-identity-us-sre-on-call-inline")
    [statement] = json.loads(inline.props["inlinePolicy"])["Statement"]
    assert "secretsmanager:RotateSecret" in statement["Action"]
    assert statement["Condition"] == {"StringEquals": {"aws:RequestedRegion": ["us-east-1", "us-east-2", "us-west-2"]}}
    assert len(prod.of_type(INLINE)) == len(CELLS)


def test_standing_functions_are_assigned_to_their_groups_and_jit_ones_never(prod, dr):
    for graph in (prod, dr):
        assignments = graph.of_type(ASSIGNMENT)
        assert len(assignments) == len(CELLS) * 4
        for assignment in assignments:
            function = assignment.name.split("-", 3)[3].removesuffix("-assignment")
            assert by_name(function).standing, assignment.name
            assert assignment.props["principalType"] == "GROUP"
            assert assignment.props["principalId"] == GROUPS[function]
            assert assignment.props["targetType"] == "AWS_ACCOUNT"
            assert assignment.props["targetId"] == "123456789012"


ARGS = IdentityCenterArgs(
    stack="prod",
    jurisdiction="UK",
    region="eu-west-2",
    instance_arn=INSTANCE,
    cells=(CellAccess("uk", "UK"),),
    group_ids=GROUPS,
)


def test_exact_argument_errors():
    from dataclasses import replace

    assert refusal(lambda: validate_args(replace(ARGS, region="us-east-1"))) == (
        "IdentityCenter: region: region 'us-east-1' is outside UK's allowed regions; allowed: eu-west-2, eu-west-1"
    )
    assert refusal(lambda: validate_args(replace(ARGS, instance_arn="arn:aws:sso:::instance/x"))) == (
        "IdentityCenter: instance_arn: 'arn:aws:sso:::instance/x' is not an Identity Center instance ARN; "
        "allowed: arn:aws:sso:::instance/ssoins-<16 hex digits>"
    )
    assert refusal(lambda: validate_args(replace(ARGS, group_ids={"auditor": GROUPS["auditor"]}))) == (
        "IdentityCenter: group_ids: missing platform-engineer, sre-on-call, security, support; allowed: an IdP "
        "group id each"
    )
    assert refusal(lambda: validate_args(replace(ARGS, group_ids={**GROUPS, "support": "helpdesk"}))) == (
        "IdentityCenter: group_ids[support]: 'helpdesk' is not an Identity Store group id; allowed: a UUID, "
        "optionally prefixed by 10 hex digits and '-'"
    )
    long_session = replace(by_name("security"), session_duration="PT8H")
    assert refusal(lambda: validate_args(replace(ARGS, functions=(long_session,)))) == (
        "IdentityCenter: functions[security].session_duration: 'PT8H' is too long for a privileged function; "
        "allowed: PT1H"
    )
    assert refusal(lambda: validate_args(replace(ARGS, cells=()))) == "IdentityCenter: cells: must not be empty"
