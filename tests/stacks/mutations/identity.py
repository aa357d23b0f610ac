"""Mutations for the identity policies: IAM Identity Center permission sets and assignments, and the cells'
Kubernetes RBAC, of dr (prod and dr declare the same; dr's run is shared with its other mutations)."""

from __future__ import annotations

from typing import Any

from tests.stacks.mutations.edits import DELETE, set_at, update_at
from tests.stacks.mutations.model import Mutation

PERMISSION_SET = "aws:ssoadmin/permissionSet:PermissionSet"
ASSIGNMENT = "aws:ssoadmin/accountAssignment:AccountAssignment"
MANAGED = "aws:ssoadmin/managedPolicyAttachmentsExclusive:ManagedPolicyAttachmentsExclusive"
ADMINISTRATOR = "arn:aws:iam::aws:policy/AdministratorAccess"
CLUSTER_ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"
CA = "aws:acmpca/certificateAuthority:CertificateAuthority"
NAMESPACE = "kubernetes:core/v1:Namespace"
CERTIFICATE = "aws:acmpca/certificate:Certificate"
RELEASE = "kubernetes:helm.sh/v3:Release"


def _week_long_workload_certificates(values: dict[str, Any]) -> dict[str, Any]:
    app = values["app"]
    return {**values, "app": {**app, "server": {**app["server"], "maxCertificateDuration": "168h"}}}


def _without_injection(metadata: dict[str, Any]) -> dict[str, Any]:
    labels = {key: value for key, value in metadata["labels"].items() if key != "istio-injection"}
    return {**metadata, "labels": labels}


MUTATIONS: tuple[Mutation, ...] = (
    Mutation(
        policy="aws-ssoadmin-privileged-session-short",
        stack="dr",
        type=PERMISSION_SET,
        name="uk-identity-us-security",
        change="give the US security permission set eight-hour sessions",
        expect="with sessions of PT8H",
        edit=set_at(["session_duration"], "PT8H"),
    ),
    Mutation(
        policy="aws-ssoadmin-admin-permission-set-jit-only",
        stack="dr",
        type=MANAGED,
        name="uk-identity-eu-sre-on-call-managed",
        change="attach AdministratorAccess to the EU on-call set, which its group holds standing",
        expect="gives standing access to admin-equivalent permission set",
        edit=update_at(["managed_policy_arns"], lambda arns: [*arns, ADMINISTRATOR]),
        flagged=(ASSIGNMENT, "uk-identity-eu-sre-on-call-assignment"),
    ),
    Mutation(
        policy="aws-ssoadmin-account-assignment-group-principal",
        stack="dr",
        type=ASSIGNMENT,
        name="uk-identity-ca-auditor-assignment",
        change="assign the CA auditor set to a single user instead of the auditors' group",
        expect="assigns to a USER principal",
        edit=set_at(["principal_type"], "USER"),
    ),
    Mutation(
        policy="kubernetes-rbac-no-cluster-admin-to-humans",
        stack="dr",
        type=CLUSTER_ROLE_BINDING,
        name="eu-rbac-sre-on-call-binding",
        change="bind the EU on-call group to cluster-admin",
        expect="gives cluster-admin to Group 'trustfabric:sre-on-call'",
        edit=set_at(["role_ref", "name"], "cluster-admin"),
    ),
    Mutation(
        policy="aws-acmpca-revocation-configured",
        stack="dr",
        type=CA,
        name="us-mesh-ca-authority",
        change="drop the US mesh CA's revocation (OCSP)",
        expect="publishes no revocation",
        edit=set_at(["revocation_configuration"], DELETE),
    ),
    Mutation(
        policy="kubernetes-mesh-namespace-strict-mtls",
        stack="dr",
        type=NAMESPACE,
        name="ca-mesh-ledger",
        change="take the CA cell's ledger namespace out of the mesh (no sidecar injection)",
        expect="is not meshed",
        edit=update_at(["metadata"], _without_injection),
    ),
    Mutation(
        policy="aws-acmpca-certificate-validity-bounded",
        stack="dr",
        type=CERTIFICATE,
        name="us-mesh-ca-root",
        change="issue the US mesh root certificate for twenty years",
        expect="longer than 3653 days for a root CA certificate",
        edit=set_at(["validity"], {"type": "YEARS", "value": "20"}),
    ),
    Mutation(
        policy="kubernetes-mesh-workload-certificate-short-lived",
        stack="dr",
        type=RELEASE,
        name="eu-mesh-istio-csr",
        change="let the EU mesh sign workload certificates for a week",
        expect="signs workload certificates for 168h",
        edit=update_at(["values"], _week_long_workload_certificates),
    ),
)
