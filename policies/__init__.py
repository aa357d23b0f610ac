"""Trust Fabric's CrossGuard policy pack: one policy per module, in a tree that mirrors the provider."""
