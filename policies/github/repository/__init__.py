"""Repository settings: branch protection and deploy environments."""
