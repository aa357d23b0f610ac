"""Kubernetes pod security and Vault policies."""

from policies.kubernetes.pod.no_privilege_escalation import POLICY as ESCALATION
from policies.kubernetes.pod.no_privileged import POLICY as PRIVILEGED
from policies.kubernetes.pod.resource_limits import POLICY as LIMITS
from policies.kubernetes.pod.run_as_non_root import POLICY as NON_ROOT
from policies.stack.vault_audit_device_enabled import POLICY as AUDIT
from policies.vault.policy_no_sudo_on_wildcard import POLICY as SUDO
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

SAFE = {"allow_privilege_escalation": False, "privileged": False}
LIMITS_OK = {"limits": {"cpu": "500m", "memory": "256Mi"}}

COMPLIANT = f"""
import pulumi_kubernetes as k8s, pulumi_vault as vault
container = {{"name": "app", "image": "app:1", "security_context": {SAFE!r}, "resources": {LIMITS_OK!r}}}
k8s.apps.v1.Deployment("api", spec={{"selector": {{"match_labels": {{"a": "b"}}}}, "template": {{
    "metadata": {{"labels": {{"a": "b"}}}}, "spec": {{"security_context": {{"run_as_non_root": True}},
    "init_containers": [dict(container, name="init")], "containers": [container]}}}}}})
k8s.batch.v1.CronJob("nightly", spec={{"schedule": "0 1 * * *", "job_template": {{"spec": {{"template": {{"spec": {{
    "restart_policy": "Never", "containers": [dict(container, security_context=dict({SAFE!r}, run_as_non_root=True))]
}}}}}}}}}})
vault.Policy("reader", policy='''
# read only
path "secret/data/*" {{ capabilities = ["read", "list"] }}
path "sys/rotate" {{
  capabilities = ["update", "sudo"]
}}
''')
vault.Audit("file", type="file", options={{"file_path": "stdout"}})
"""

BROKEN = """
import pulumi_kubernetes as k8s, pulumi_vault as vault
k8s.core.v1.Pod("debug", spec={"security_context": {"run_as_non_root": True}, "containers": [
    {"name": "shell", "image": "busybox", "security_context": {"privileged": True, "run_as_non_root": False},
     "resources": {"limits": {"cpu": "1"}}}],
    "init_containers": [{"name": "setup", "image": "busybox", "security_context": {
     "allow_privilege_escalation": False}}]})
vault.Policy("admin", policy='path "sys/*" { capabilities = ["create", "sudo"] }\\npath "auth/+" {\\n'
    '  capabilities = ["sudo"]\\n}')
"""


def _details(diagnostics):
    return sorted((d.urn.rsplit("::", 1)[1], d.detail) for d in diagnostics)


def test_compliant_workloads_and_vault_pass(tmp_path):
    graph = run_snippet(tmp_path, COMPLIANT)
    for policy in (PRIVILEGED, ESCALATION, NON_ROOT, LIMITS, SUDO, AUDIT):
        assert evaluate(policy, graph) == [], policy.name


def test_every_way_to_break_workloads_and_vault(tmp_path):
    graph = run_snippet(tmp_path, BROKEN)
    pod = "Kubernetes Pod 'debug'"
    assert _details(evaluate(PRIVILEGED, graph)) == [
        (
            "debug",
            f"{pod}: container 'shell' runs privileged; remove securityContext.privileged and grant only the "
            "capabilities it needs.",
        )
    ]
    assert _details(evaluate(ESCALATION, graph)) == [
        (
            "debug",
            f"{pod}: container 'shell' may escalate privileges; set securityContext.allowPrivilegeEscalation=False.",
        )
    ]
    assert _details(evaluate(NON_ROOT, graph)) == [
        (
            "debug",
            f"{pod}: container 'shell' may run as root; set securityContext.runAsNonRoot=True on the pod "
            "spec or the container.",
        )
    ]
    assert _details(evaluate(LIMITS, graph)) == [
        ("debug", f"{pod}: container 'shell' has no memory limit; set resources.limits.memory."),
        (
            "debug",
            f"{pod}: init container 'setup' has no cpu or memory limit; set resources.limits.cpu/memory.",
        ),
    ]
    assert _details(evaluate(SUDO, graph)) == [
        (
            "admin",
            "Vault policy 'admin' grants sudo on wildcard path 'auth/+'; grant sudo only on the exact "
            "root-protected paths that need it.",
        ),
        (
            "admin",
            "Vault policy 'admin' grants sudo on wildcard path 'sys/*'; grant sudo only on the exact "
            "root-protected paths that need it.",
        ),
    ]
    [audit] = evaluate(AUDIT, graph)
    assert audit.detail == (
        "The stack configures Vault ('admin') but declares no Vault audit device; add a vault.Audit (file or "
        "socket type) so every request is logged."
    )


def test_unknown_values_are_never_a_pass():
    deployment = resource(
        "kubernetes:apps/v1:Deployment",
        {"spec": {"template": {"spec": {"containers": UNKNOWN}}}},
        name="d",
        region=None,
    )
    assert [d.detail for d in evaluate(PRIVILEGED, deployment)] == [
        "Kubernetes Deployment 'd': its pod spec's containers are not known during preview; privilege cannot be proven."
    ]
    job = resource(
        "kubernetes:batch/v1:Job",
        {
            "spec": {
                "template": {
                    "spec": {
                        "containers": [
                            {
                                "name": "c",
                                "securityContext": {
                                    "allowPrivilegeEscalation": UNKNOWN,
                                    "runAsNonRoot": True,
                                },
                                "resources": {"limits": {"cpu": "1", "memory": UNKNOWN}},
                            }
                        ]
                    }
                }
            }
        },
        name="j",
        region=None,
    )
    assert [d.detail for d in evaluate(ESCALATION, job)] == [
        "Kubernetes Job 'j': container 'c' securityContext.allowPrivilegeEscalation is not known during preview; "
        "set it to False literally."
    ]
    assert evaluate(NON_ROOT, job) == []
    assert [d.detail for d in evaluate(LIMITS, job)] == [
        "Kubernetes Job 'j': container 'c' resources.limits are not known during preview; set cpu and memory literally."
    ]
    policy = resource("vault:index/policy:Policy", {"policy": UNKNOWN}, name="p", region=None)
    assert [d.detail for d in evaluate(SUDO, policy)] == [
        "Vault policy 'p': its policy text is not known during preview; sudo on wildcard paths cannot be ruled out."
    ]
