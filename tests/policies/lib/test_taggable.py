"""Which AWS types take tags ships with the pack as data, checked against the installed pulumi_aws; a type the
list does not know is judged by whether it carries tags, never passed silently."""

from __future__ import annotations

import importlib
import json
import re
from functools import cache
from pathlib import Path

from policies.lib.taggable import PULUMI_AWS_VERSION, TAGGABLE_FILE, TAGGABLE_TYPES, is_taggable
from trustfabric import packdata

REPO_ROOT = Path(__file__).resolve().parents[3]


@cache
def installed_classes() -> dict[str, type]:
    return packdata.aws_resource_classes()


def test_the_shipped_list_is_what_the_generator_finds_in_the_installed_pulumi_aws():
    assert TAGGABLE_FILE == packdata.TAGGABLE_PATH
    assert TAGGABLE_FILE.read_text(encoding="utf-8") == packdata.render(packdata.taggable_document())


def test_the_list_was_made_from_the_pinned_pulumi_aws():
    pin = re.search(r'"pulumi-aws==([^"]+)"', (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pin is not None and pin.group(1) == PULUMI_AWS_VERSION


def test_every_listed_type_has_a_tags_argument_in_its_args_class():
    # A second public path to the same fact: each resource class's input class (<Name>Args, or <Name>InitArgs
    # where <Name>Args is taken) has a `tags` property.
    classes = installed_classes()
    taggable = set()
    for token, resource_class in classes.items():
        module = importlib.import_module(resource_class.__module__)
        for suffix in ("Args", "InitArgs"):
            args_class = getattr(module, f"{resource_class.__name__}{suffix}", None)
            if args_class is not None and isinstance(getattr(args_class, "tags", None), property):
                taggable.add(token)
    assert taggable == TAGGABLE_TYPES
    assert len(TAGGABLE_TYPES) > 500 and len(classes) - len(TAGGABLE_TYPES) > 500


class Resource:
    """What `is_taggable` reads of a resource; `props` raises when read, unless given."""

    def __init__(self, resource_type: str, props: dict[str, object] | None = None) -> None:
        self.resource_type = resource_type
        self._props = props

    @property
    def props(self) -> dict[str, object]:
        if self._props is None:
            raise AssertionError(f"{self.resource_type}: inputs read, though the type decides")
        return self._props


def test_listed_types_are_taggable_without_reading_inputs():
    for token in ("aws:s3/bucket:Bucket", "aws:kms/key:Key", "aws:rds/cluster:Cluster", "aws:sqs/queue:Queue"):
        assert is_taggable(Resource(token)), token


def test_types_that_take_no_tags_are_not_listed_and_carry_none():
    for token in ("aws:s3/bucketPolicy:BucketPolicy", "aws:ec2/routeTableAssociation:RouteTableAssociation"):
        assert token in installed_classes() and token not in TAGGABLE_TYPES
        assert not is_taggable(Resource(token, {"bucket": "b", "policy": "{}"})), token


def test_an_unlisted_aws_type_is_taggable_when_it_carries_tags():
    assert is_taggable(Resource("aws:newservice/widget:Widget", {"tags": {"owner": "platform"}}))
    assert is_taggable(Resource("aws:newservice/widget:Widget", {"tags": {}}))
    assert not is_taggable(Resource("aws:newservice/widget:Widget", {"name": "w"}))


def test_other_providers_are_never_taggable_here_and_their_inputs_are_not_read():
    assert not is_taggable(Resource("kubernetes:core/v1:ConfigMap"))
    assert not is_taggable(Resource("vault:index/policy:Policy"))


def test_the_file_is_plain_sorted_data():
    data = json.loads(TAGGABLE_FILE.read_text(encoding="utf-8"))
    assert set(data) == {"about", "pulumi_aws", "taggable"}
    assert data["taggable"] == sorted(set(data["taggable"]))
