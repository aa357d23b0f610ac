"""Step Functions policies."""
