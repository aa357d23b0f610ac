"""Resource.to_dict and ResourceGraph.to_dict: the snapshot form redacts each secret whole; the stored form
(`mask=True`, the gate cache's) masks a secret's strings, keeps its shape and the recorded order; neither holds
a secret's value, input or output."""

from __future__ import annotations

import json

from trustfabric.graph import (
    OUTPUT_SIG,
    SECRET_MASK,
    SECRET_SIG,
    SIG_KEY,
    UNKNOWN,
    Resource,
    ResourceGraph,
)

SECRET = "hunter2-not-for-files"


def _graph() -> ResourceGraph:
    graph = ResourceGraph(project="p", stack="prod", program_dir="/src", stack_urn="urn:stack")
    for name in ("zeta", "alpha"):
        resource = Resource(
            urn=f"urn:{name}",
            type="aws:secretsmanager/secretVersion:SecretVersion",
            name=name,
            custom=True,
            inputs={"secretString": {SIG_KEY: SECRET_SIG, "value": {"token": SECRET, "later": UNKNOWN}}},
            outputs={"arn": {SIG_KEY: OUTPUT_SIG, "secret": True, "value": SECRET, "dependencies": ["urn:b"]}},
            dependencies=["urn:b", "urn:a"],
            property_dependencies={"z": ["urn:b", "urn:a"], "a": []},
        )
        graph.resources[resource.urn] = resource
    graph.outputs = {"token": {SIG_KEY: SECRET_SIG, "value": SECRET}}
    return graph


def test_the_stored_form_masks_secrets_in_shape_and_keeps_the_order() -> None:
    stored = _graph().to_dict(mask=True)
    assert SECRET not in json.dumps(stored)
    assert [item["name"] for item in stored["resources"]] == ["zeta", "alpha"]
    first = stored["resources"][0]
    assert first["inputs"]["secretString"] == {SIG_KEY: SECRET_SIG, "value": {"token": SECRET_MASK, "later": UNKNOWN}}
    assert first["outputs"]["arn"]["value"] == SECRET_MASK and first["outputs"]["arn"]["dependencies"] == ["urn:b"]
    assert first["dependencies"] == ["urn:b", "urn:a"]
    assert list(first["property_dependencies"]) == ["z", "a"]
    assert (stored["program_dir"], stored["stack_urn"]) == ("/src", "urn:stack")
    assert stored["outputs"] == {"token": {SIG_KEY: SECRET_SIG, "value": SECRET_MASK}}


def test_the_snapshot_form_redacts_secrets_whole_and_sorts() -> None:
    snapshot = _graph().to_dict()
    assert SECRET not in json.dumps(snapshot)
    assert [item["name"] for item in snapshot["resources"]] == ["alpha", "zeta"]
    first = snapshot["resources"][0]
    assert first["inputs"]["secretString"] == {SIG_KEY: SECRET_SIG, "value": "[secret]"}
    assert first["outputs"]["arn"] == {
        SIG_KEY: OUTPUT_SIG,
        "secret": True,
        "value": "[secret]",
        "dependencies": ["urn:b"],
    }
    assert first["dependencies"] == ["urn:a", "urn:b"]
    assert list(first["property_dependencies"]) == ["a", "z"]
    assert "program_dir" not in snapshot
