"""AWS Private CA."""
