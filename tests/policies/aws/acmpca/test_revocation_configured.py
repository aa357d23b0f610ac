"""aws-acmpca-revocation-configured: passing and violating CAs, unknown values."""

from policies.aws.acmpca.revocation_configured import POLICY as REVOCATION
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details, program_graph

CA = "aws:acmpca/certificateAuthority:CertificateAuthority"
SUBJECT = """certificate_authority_configuration={"key_algorithm": "EC_prime256v1",
    "signing_algorithm": "SHA256WITHECDSA", "subject": {"common_name": "mesh"}}"""

COMPLIANT = f"""
import pulumi_aws as aws
aws.acmpca.CertificateAuthority("ocsp", {SUBJECT},
    revocation_configuration={{"ocsp_configuration": {{"enabled": True}}}})
aws.acmpca.CertificateAuthority("crl", {SUBJECT},
    revocation_configuration={{"crl_configuration": {{"enabled": True, "s3_bucket_name": "crl", "expiration_in_days": 7}}}})
"""

BROKEN = f"""
import pulumi_aws as aws
aws.acmpca.CertificateAuthority("silent", {SUBJECT})
aws.acmpca.CertificateAuthority("off", {SUBJECT},
    revocation_configuration={{"ocsp_configuration": {{"enabled": False}}}})
"""


def test_cas_with_ocsp_or_a_crl_pass():
    assert evaluate(REVOCATION, program_graph(COMPLIANT)) == [], REVOCATION.name


def test_every_ca_without_revocation_is_reported():
    message = (
        "publishes no revocation; enable OCSP (revocation_configuration.ocsp_configuration.enabled=True) or a CRL."
    )
    assert details(evaluate(REVOCATION, program_graph(BROKEN))) == [
        ("off", f"Private CA 'off' {message}"),
        ("silent", f"Private CA 'silent' {message}"),
    ]


def test_unknown_values_are_never_a_pass():
    graph = resource(CA, {"revocationConfiguration": {"ocspConfiguration": {"enabled": UNKNOWN}}}, name="ca")
    assert [d.detail for d in evaluate(REVOCATION, graph)] == [
        "Private CA 'ca': its revocation configuration is not known during preview; set it literally."
    ]
