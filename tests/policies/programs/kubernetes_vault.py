"""The programs one family of policy tests shares (one compliant, one breaking every policy of it)."""

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
