from policies.aws.kms.key_rotation_enabled import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet


def test_rotating_key_passes(tmp_path):
    graph = run_snippet(tmp_path, 'import pulumi_aws as aws\naws.kms.Key("k", enable_key_rotation=True)\n')
    assert evaluate(POLICY, graph) == []


def test_key_without_rotation_is_a_mandatory_violation(tmp_path):
    graph = run_snippet(tmp_path, 'import pulumi_aws as aws\naws.kms.Key("k")\n')
    [diagnostic] = evaluate(POLICY, graph)
    assert diagnostic.detail == "KMS key 'k' does not rotate its key material; set enable_key_rotation=True."
    assert diagnostic.enforcement == "mandatory"
    assert diagnostic.severity == "high"
    assert diagnostic.urn.endswith("aws:kms/key:Key::k")


def test_unknown_rotation_is_never_a_pass():
    graph = resource("aws:kms/key:Key", {"enableKeyRotation": UNKNOWN}, name="k")
    [diagnostic] = evaluate(POLICY, graph)
    assert diagnostic.detail == "KMS key 'k': enable_key_rotation is not known during preview; set it to True."


def test_asymmetric_keys_are_out_of_scope():
    graph = resource("aws:kms/key:Key", {"customerMasterKeySpec": "RSA_2048", "keyUsage": "SIGN_VERIFY"})
    assert evaluate(POLICY, graph) == []


def test_config_can_lower_enforcement_to_advisory(tmp_path):
    graph = run_snippet(tmp_path, 'import pulumi_aws as aws\naws.kms.Key("k")\n')
    [diagnostic] = evaluate(POLICY, graph, {"enforcementLevel": "advisory"})
    assert diagnostic.enforcement == "advisory"
