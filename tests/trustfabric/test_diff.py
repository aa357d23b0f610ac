"""Graph diff: a resource adopted under a new parent through an alias is a move, not a removal and an addition."""

from __future__ import annotations

from tests.trustfabric.helpers import write_program
from trustfabric.diff import diff_graphs
from trustfabric.engine import run_program

BEFORE = """
    import pulumi
    import pulumi_aws as aws

    class Ledger(pulumi.ComponentResource):
        def __init__(self, name):
            super().__init__("test:index:Ledger", name)
            aws.ec2.Vpc(f"{name}-vpc", cidr_block="10.0.0.0/16", opts=pulumi.ResourceOptions(parent=self))
            aws.s3.Bucket(f"{name}-bucket", opts=pulumi.ResourceOptions(parent=self))

    Ledger("uk-ledger")
"""

AFTER = """
    import pulumi
    import pulumi_aws as aws

    class Ledger(pulumi.ComponentResource):
        def __init__(self, name):
            super().__init__("test:index:Ledger", name)
            aws.s3.Bucket(f"{name}-bucket", opts=pulumi.ResourceOptions(parent=self))

    class Network(pulumi.ComponentResource):
        def __init__(self, name, moved_from):
            super().__init__("test:index:Network", name)
            aws.ec2.Vpc(
                f"{name}-vpc",
                cidr_block="10.0.0.0/8",
                opts=pulumi.ResourceOptions(
                    parent=self, aliases=[pulumi.Alias(name="uk-ledger-vpc", parent=moved_from)]
                ),
            )
            aws.ec2.Vpc(f"{name}-other", cidr_block="10.1.0.0/16", opts=pulumi.ResourceOptions(parent=self))

    ledger = Ledger("uk-ledger")
    Network("uk-network", moved_from=ledger)
"""


def test_an_aliased_resource_is_a_move_with_its_own_property_changes(tmp_path):
    before = run_program(write_program(tmp_path / "before", BEFORE), "test")
    after = run_program(write_program(tmp_path / "after", AFTER), "test")
    changes = diff_graphs(before, after)

    assert [(old.name, new.name) for old, new in changes.moved] == [("uk-ledger-vpc", "uk-network-vpc")]
    assert [r.name for r in changes.removed] == []  # the old VPC is not destroyed
    assert sorted(r.name for r in changes.added) == ["uk-network", "uk-network-other"]
    moved_urn = changes.moved[0][1].urn
    assert [(c.path, c.old, c.new) for c in changes.changed[moved_urn]] == [
        ("inputs.cidrBlock", "10.0.0.0/16", "10.0.0.0/8")
    ]
    text = changes.render_text()
    assert "> aws:ec2/vpc:Vpc uk-network-vpc [eu-west-2] moved from uk-ledger-vpc (child of uk-ledger)\n" in text
    assert text.splitlines()[-1] == "2 to add, 1 to change, 0 to remove, 1 to move"
    assert changes.as_dict()["moved"] == [{"from": changes.moved[0][0].urn, "to": moved_urn, "type": "aws:ec2/vpc:Vpc"}]


def test_without_the_alias_the_same_change_is_a_removal_and_an_addition(tmp_path):
    before = run_program(write_program(tmp_path / "before", BEFORE), "test")
    after = run_program(write_program(tmp_path / "after", AFTER.replace("aliases=[", "aliases=[] and [")), "test")
    changes = diff_graphs(before, after)
    assert changes.moved == []
    assert [r.name for r in changes.removed] == ["uk-ledger-vpc"]
    assert "uk-network-vpc" in [r.name for r in changes.added]
