"""The security layer of a cell: KMS keyring (and, as they land, Vault, IAM baseline, audit trail, secrets)."""

from __future__ import annotations

import pulumi

from components.security.kms import KmsKeyring, KmsKeyringArgs
from stacks.context import CellContext


def declare(ctx: CellContext) -> None:
    keyring = KmsKeyring(
        f"{ctx.name}-keyring",
        KmsKeyringArgs(
            jurisdiction=ctx.cell.code,
            region=ctx.cell.region,
            deletion_window_in_days=ctx.settings.kms_deletion_window_days,
            multi_region=ctx.settings.role == "primary",
        ),
        opts=ctx.opts,
    )
    ctx.shared["key_arns"] = keyring.key_arns
    pulumi.export(f"{ctx.name}_key_arns", keyring.key_arns)
