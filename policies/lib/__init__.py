"""The pack's own helper library: everything a policy module shares, with no import outside the pack.

- `props`: reading resource arguments through the SDK's unknown-checking proxy (unknowns decided on purpose);
- `validation`: the callable types a policy's `validate` receives;
- `facts` (with `facts.json`): the residency table, the tag contract and the recovery tiers, as generated data;
- `taggable` (with `aws_taggable.json`): which pulumi-aws resource types take tags, as generated data;
- `tags`, `residency`, `encryption`, `s3`, `iam`, `secrets`, `kubernetes`: readers shared by policy families;
- `exemptions`: the pack's reading of `exemptions.yaml`, applied when the pack is served.

The data files are written by `python -m trustfabric.packdata` from `domain/` and the pinned pulumi-aws; a test
fails when they are stale. This package lives outside the provider packages on purpose: the registry requires
every module under `policies/aws`, `policies/kubernetes`, `policies/vault` and `policies/stack` to define POLICY.
"""
