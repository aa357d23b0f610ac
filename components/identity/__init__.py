"""Identity and access: IAM Identity Center permission sets per job function, just-in-time access, Kubernetes RBAC."""
