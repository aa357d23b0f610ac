"""The checkov bridge: scan a Pulumi ResourceGraph with checkov through Terraform plan JSON and manifests.

pulumi-aws is generated from the Terraform AWS provider, so its resources map onto Terraform types
(`types`); the graph is written as a Terraform plan (`tfplan`) and its Kubernetes objects as manifests (`k8s`),
checkov runs on them from its own virtualenv (`checkov`), and failures come back as Findings, silenced only by
the reviewed `checkov-suppressions.yaml` (`suppressions`).

Usage::

    from trustfabric.bridge.checkov import scan_graph

    scan = scan_graph(run_program(".", "prod"))
    print(scan.summary_line())
"""
