"""aws-acmpca-certificate-validity-bounded: certificates within their kind's ceiling pass; longer, absolute or
unknown validities fail; a tighter config ceiling is applied."""

from policies.aws.acmpca.certificate_validity_bounded import POLICY as VALIDITY
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details, program_graph

CERTIFICATE = "aws:acmpca/certificate:Certificate"
ROOT = "arn:aws:acm-pca:::template/RootCACertificate/V1"
SUBORDINATE = "arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen0/V1"
END_ENTITY = "arn:aws:acm-pca:::template/EndEntityCertificate/V1"

PROGRAM = """
import pulumi_aws as aws
def certificate(name, template, validity_type, value):
    aws.acmpca.Certificate(name, certificate_authority_arn="arn:aws:acm-pca:eu-west-2:123456789012:certificate-authority/x",
        certificate_signing_request="csr", signing_algorithm="SHA256WITHECDSA",
        template_arn=template, validity={"type": validity_type, "value": value})
"""

COMPLIANT = (
    PROGRAM
    + f"""
certificate("root", "{ROOT}", "YEARS", "10")
certificate("intermediate", "{SUBORDINATE}", "YEARS", "5")
certificate("service", "{END_ENTITY}", "MONTHS", "13")
certificate("default-template", None, "DAYS", "397")
"""
)

BROKEN = (
    PROGRAM
    + f"""
certificate("old-root", "{ROOT}", "YEARS", "20")
certificate("long-intermediate", "{SUBORDINATE}", "MONTHS", "72")
certificate("long-service", "{END_ENTITY}", "YEARS", "2")
certificate("untemplated", None, "DAYS", "398")
certificate("fixed-end", "{END_ENTITY}", "END_DATE", "20301231235959")
"""
)


def test_certificates_within_their_ceiling_pass():
    assert evaluate(VALIDITY, program_graph(COMPLIANT)) == [], VALIDITY.name


def test_every_certificate_beyond_its_ceiling_is_reported():
    assert details(evaluate(VALIDITY, program_graph(BROKEN))) == [
        (
            "fixed-end",
            "Private CA certificate 'fixed-end' has validity END_DATE 20301231235959, not a relative length; set "
            "validity type DAYS, MONTHS or YEARS, at most 397 days for a end-entity certificate.",
        ),
        (
            "long-intermediate",
            "Private CA certificate 'long-intermediate' is valid for MONTHS 72 (2191 days), longer than 1827 days "
            "for a subordinate CA certificate; shorten its validity.",
        ),
        (
            "long-service",
            "Private CA certificate 'long-service' is valid for YEARS 2 (730 days), longer than 397 days for a "
            "end-entity certificate; shorten its validity.",
        ),
        (
            "old-root",
            "Private CA certificate 'old-root' is valid for YEARS 20 (7305 days), longer than 3653 days for a "
            "root CA certificate; shorten its validity.",
        ),
        (
            "untemplated",
            "Private CA certificate 'untemplated' is valid for DAYS 398 (398 days), longer than 397 days for a "
            "end-entity certificate; shorten its validity.",
        ),
    ]


def test_a_tighter_configured_ceiling_applies():
    diagnostics = evaluate(VALIDITY, program_graph(COMPLIANT), config={"maxRootDays": 1830})
    assert details(diagnostics) == [
        (
            "root",
            "Private CA certificate 'root' is valid for YEARS 10 (3652 days), longer than 1830 days for a root CA "
            "certificate; shorten its validity.",
        )
    ]


def test_unknown_values_are_never_a_pass():
    unknown_validity = resource(CERTIFICATE, {"templateArn": ROOT, "validity": UNKNOWN}, name="pending")
    assert [d.detail for d in evaluate(VALIDITY, unknown_validity)] == [
        "Private CA certificate 'pending': its validity is not known during preview; set it literally "
        "(at most 3653 days for a root CA certificate)."
    ]
    unknown_template = resource(
        CERTIFICATE, {"templateArn": UNKNOWN, "validity": {"type": "YEARS", "value": "5"}}, name="anonymous"
    )
    assert [d.detail for d in evaluate(VALIDITY, unknown_template)] == [
        "Private CA certificate 'anonymous' is valid for YEARS 5 (1826 days), longer than 397 days for a "
        "end-entity certificate; shorten its validity."
    ]
