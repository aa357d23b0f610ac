"""Signing and verifying the evidence manifest with an asymmetric AWS KMS key (key usage SIGN_VERIFY).

The key never leaves KMS: `KmsSigner` calls `Sign` (MessageType RAW: the signed statement is short, see
`trustfabric.evidence.signing.signed_message`), `kms_verify` calls `Verify`, and `fetch_public_key` calls
`GetPublicKey`, whose PEM an auditor keeps beside their other trusted material to verify offline. Supported key
specs and the algorithm used for each: ECC_NIST_P256 -> ECDSA_SHA_256 (the key `components.security.
evidence_signing` declares), RSA_2048/3072/4096 -> RSASSA_PSS_SHA_256. The key is named by id, ARN, alias
name or alias ARN; the client's region is the ARN's, else the environment's (AWS_REGION, AWS_DEFAULT_REGION).
Any KMS error is bad input (exit 2, one line) except an invalid signature, which is a failed verification.

Usage::

    signer = KmsSigner.open("arn:aws:kms:eu-west-2:111122223333:key/...")
    signature = signer.sign(message)
    assert kms_verify(signer.key_id, message, signature)
    Path("evidence-signing.pub").write_bytes(fetch_public_key(signer.key_id))
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from ..errors import TrustFabricError
from .signing import PublicKey, load_public_key_bytes, public_key_pem

ALGORITHMS = {
    "ECC_NIST_P256": "ECDSA_SHA_256",
    "RSA_2048": "RSASSA_PSS_SHA_256",
    "RSA_3072": "RSASSA_PSS_SHA_256",
    "RSA_4096": "RSASSA_PSS_SHA_256",
}
"""Key spec -> the signing algorithm used with it."""
ARN_REGION = re.compile(r"^arn:aws[a-z-]*:kms:(?P<region>[a-z0-9-]+):")


def region_of(key_id: str) -> str:
    """The region of an ARN, else the environment's; TrustFabricError when neither names one."""
    match = ARN_REGION.match(key_id)
    if match:
        return match.group("region")
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if not region:
        raise TrustFabricError(
            f"--kms-key-id: {key_id}: not an ARN and no AWS_REGION or AWS_DEFAULT_REGION set; give the key's ARN"
        )
    return region


def client(key_id: str) -> Any:
    import boto3

    return boto3.client("kms", region_name=region_of(key_id))


def _failure(key_id: str, call: str, error: Exception) -> TrustFabricError:
    from botocore.exceptions import ClientError

    if isinstance(error, ClientError):
        detail = f"{error.response['Error'].get('Code', '?')}: {error.response['Error'].get('Message', '')}"
    else:
        detail = " ".join(str(error).split())
    return TrustFabricError(f"--kms-key-id: {key_id}: kms:{call} failed: {detail}")


def _public_key(key_id: str) -> tuple[PublicKey, str]:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        response = client(key_id).get_public_key(KeyId=key_id)
    except (BotoCoreError, ClientError) as error:
        raise _failure(key_id, "GetPublicKey", error) from None
    if response.get("KeyUsage") != "SIGN_VERIFY":
        raise TrustFabricError(f"--kms-key-id: {key_id}: key usage is {response.get('KeyUsage')}; allowed: SIGN_VERIFY")
    spec = str(response.get("KeySpec") or response.get("CustomerMasterKeySpec") or "")
    if spec not in ALGORITHMS:
        raise TrustFabricError(f"--kms-key-id: {key_id}: key spec {spec}; allowed: {', '.join(ALGORITHMS)}")
    from cryptography.hazmat.primitives import serialization

    der = serialization.load_der_public_key(response["PublicKey"])
    pem = der.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return load_public_key_bytes(pem, f"--kms-key-id: {key_id}"), ALGORITHMS[spec]


def fetch_public_key(key_id: str) -> bytes:
    """The key's public half (GetPublicKey) as PEM."""
    key, _ = _public_key(key_id)
    return public_key_pem(key)


@dataclass(frozen=True)
class KmsSigner:
    """An asymmetric KMS key that signs the manifest through `Sign`."""

    key_id: str
    algorithm: str
    key: PublicKey
    provenance: str = "kms"

    @classmethod
    def open(cls, key_id: str) -> KmsSigner:
        """Check the key (usage, spec) and fetch its public half once."""
        key, algorithm = _public_key(key_id)
        return cls(key_id, algorithm, key)

    def public_key(self) -> PublicKey:
        return self.key

    def sign(self, message: bytes) -> bytes:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = client(self.key_id).sign(
                KeyId=self.key_id, Message=message, MessageType="RAW", SigningAlgorithm=self.algorithm
            )
        except (BotoCoreError, ClientError) as error:
            raise _failure(self.key_id, "Sign", error) from None
        return bytes(response["Signature"])


def kms_verify(key_id: str, message: bytes, signature: bytes) -> bool:
    """True when KMS `Verify` accepts the signature; False when it reports it invalid."""
    from botocore.exceptions import BotoCoreError, ClientError

    _, algorithm = _public_key(key_id)
    try:
        response = client(key_id).verify(
            KeyId=key_id, Message=message, MessageType="RAW", Signature=signature, SigningAlgorithm=algorithm
        )
    except ClientError as error:
        if error.response["Error"].get("Code") == "KMSInvalidSignatureException":
            return False
        raise _failure(key_id, "Verify", error) from None
    except BotoCoreError as error:
        raise _failure(key_id, "Verify", error) from None
    return bool(response.get("SignatureValid"))


__all__ = ["ALGORITHMS", "KmsSigner", "fetch_public_key", "kms_verify", "region_of"]
