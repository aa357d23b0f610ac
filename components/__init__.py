"""Trust Fabric's Pulumi components, by domain: security/, resilience/, observability/, governance/.

Every component takes one typed `<Name>Args`, defaults to the secure choice, never builds a provider (the
stack passes the cell's provider through `opts`), and parents every child to itself.
"""
