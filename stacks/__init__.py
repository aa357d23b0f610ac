"""The Trust Fabric Pulumi program: typed settings -> jurisdiction cells -> components."""
