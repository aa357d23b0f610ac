"""kubernetes-rbac-no-cluster-admin-to-humans: no binding gives cluster-admin (or system:masters) to people.

People reach a cell's cluster through their IdP groups (EKS access entries map each Identity Center permission
set to a Kubernetes group); every such group is bound to a job-function role, never to `cluster-admin`. Judged on
every ClusterRoleBinding and RoleBinding: a binding whose role is the `cluster-admin` ClusterRole with a `User` or
`Group` subject, and any binding with the `system:masters` group as a subject, is reported (service accounts are
workloads, judged elsewhere). A role reference or subject list not known during preview is reported.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.props import as_list, unknown_itself

BINDINGS = (
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
    "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
)
HUMAN_KINDS = ("User", "Group")

META = PolicyMeta(
    id="TF-K8S-RBAC-001",
    name="kubernetes-rbac-no-cluster-admin-to-humans",
    description="No Kubernetes role binding grants cluster-admin or system:masters to users or groups of people.",
    severity="critical",
    topics=("kubernetes", "privileged-access"),
    controls={"SOC2": ("CC6.3",), "ISO27001:2022": ("A.8.2",), "CIS-K8S": ("5.1.1",)},
    remediation="Bind the group to its job-function ClusterRole instead; break-glass access is granted just in time.",
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    kind = args.resource_type.rsplit(":", 1)[-1]
    subject = f"Kubernetes {kind} '{args.name}'"
    if unknown_itself(args.props, "roleRef") or is_unknown(args.props, "roleRef", "name"):
        report_violation(f"{subject}: its roleRef is not known during preview; name the role literally.")
        return
    if unknown_itself(args.props, "subjects"):
        report_violation(f"{subject}: its subjects are not known during preview; list them literally.")
        return
    role = get(args.props, "roleRef", "name")
    role_kind = get(args.props, "roleRef", "kind", default="ClusterRole")
    subjects = as_list(get(args.props, "subjects", default=[]))
    for index in range(len(subjects)):
        if (
            unknown_itself(subjects, index)
            or is_unknown(subjects[index], "kind")
            or is_unknown(subjects[index], "name")
        ):
            report_violation(f"{subject}: subject #{index} is not known during preview; list it literally.")
            continue
        entry = subjects[index]
        subject_kind, name = get(entry, "kind"), get(entry, "name")
        if subject_kind == "Group" and name == "system:masters":
            report_violation(f"{subject} binds the system:masters group, which bypasses RBAC; remove it.")
        elif subject_kind in HUMAN_KINDS and role == "cluster-admin" and role_kind == "ClusterRole":
            report_violation(
                f"{subject} gives cluster-admin to {subject_kind} '{name}'; bind it to its job-function role instead."
            )


POLICY = resource_policy(META, validate, resource_types=BINDINGS)
