"""Storage building blocks shared by components: the private, versioned, TLS-only S3 bucket and its log bucket."""
