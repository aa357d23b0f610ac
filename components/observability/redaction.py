"""PII redaction for telemetry: patterns, and the OpenTelemetry collector config that applies them.

Logs and span attributes leave a cell only after the collector's `transform/redact-pii` processor has replaced
personal data with a marker naming its kind. The patterns are RE2 (the collector's OTTL `replace_pattern` and
`replace_all_patterns` use Go's regexp), tested with Google's RE2 bindings and with Python's `re`.

Kinds: email addresses, UK National Insurance numbers, US Social Security numbers, Canadian Social Insurance
numbers, payment card numbers, IBANs and UK sort code + account number pairs.

Usage::

    from components.observability.redaction import collector_config, redact

    config = collector_config(opensearch_endpoint="https://logs.example", tempo_endpoint="tempo:4317")
    assert redact("mail jane@example.com") == "mail [REDACTED:email]"
"""

from __future__ import annotations

import re
from typing import Any

# Order matters: longer digit patterns first, so a card number is not half-taken by a shorter one.
PII_PATTERNS: tuple[tuple[str, str], ...] = (
    ("email", r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}"),
    ("iban", r"\b[A-Z]{2}[0-9]{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b"),
    ("card", r"\b[0-9]{4}[ \-]?[0-9]{4}[ \-]?[0-9]{4}[ \-]?[0-9]{1,7}\b"),
    ("uk-bank-account", r"\b[0-9]{2}-[0-9]{2}-[0-9]{2}[ ]?[0-9]{8}\b"),
    ("us-ssn", r"\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b"),
    ("ca-sin", r"\b[0-9]{3}[ \-][0-9]{3}[ \-][0-9]{3}\b"),
    ("uk-nino", r"\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D]\b"),
)


def marker(kind: str) -> str:
    return f"[REDACTED:{kind}]"


def redact(text: str) -> str:
    """Apply the patterns in order, as the collector does (Python `re`; the RE2 test proves equivalence)."""
    for kind, pattern in PII_PATTERNS:
        text = re.sub(pattern, marker(kind), text)
    return text


def _quote(value: str) -> str:
    """An OTTL string literal: backslashes and quotes escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ottl_statements(target: str) -> list[str]:
    """OTTL statements redacting every pattern from a log body or an attributes map."""
    statements = []
    for kind, pattern in PII_PATTERNS:
        if target == "body":
            statements.append(f"replace_pattern(body, {_quote(pattern)}, {_quote(marker(kind))})")
        else:
            statements.append(
                f"replace_all_patterns({target}, {_quote('value')}, {_quote(pattern)}, {_quote(marker(kind))})"
            )
    return statements


def collector_config(
    *,
    opensearch_endpoint: str,
    tempo_endpoint: str,
    logs_index: str = "logs-confidential",
) -> dict[str, Any]:
    """The collector pipeline: OTLP in, memory limit, PII redaction, batching; logs to OpenSearch, traces to Tempo."""
    redaction = {
        "error_mode": "propagate",
        "log_statements": [
            {"context": "log", "statements": ottl_statements("body") + ottl_statements("attributes")},
            {"context": "resource", "statements": ottl_statements("attributes")},
        ],
        "trace_statements": [
            {"context": "span", "statements": ottl_statements("attributes")},
            {"context": "spanevent", "statements": ottl_statements("attributes")},
            {"context": "resource", "statements": ottl_statements("attributes")},
        ],
    }
    return {
        "receivers": {
            "otlp": {
                "protocols": {"grpc": {"endpoint": "0.0.0.0:4317"}, "http": {"endpoint": "0.0.0.0:4318"}},
            }
        },
        "processors": {
            "memory_limiter": {"check_interval": "1s", "limit_percentage": 80, "spike_limit_percentage": 20},
            "transform/redact-pii": redaction,
            "batch": {"send_batch_size": 8192, "timeout": "5s"},
        },
        "exporters": {
            "opensearch": {
                "http": {"endpoint": opensearch_endpoint, "auth": {"authenticator": "sigv4auth"}},
                "logs_index": logs_index,
            },
            "otlp/tempo": {"endpoint": tempo_endpoint, "tls": {"insecure": False}},
        },
        "extensions": {"health_check": {"endpoint": "0.0.0.0:13133"}, "sigv4auth": {"service": "es"}},
        "service": {
            "extensions": ["health_check", "sigv4auth"],
            "pipelines": {
                "logs": {
                    "receivers": ["otlp"],
                    "processors": ["memory_limiter", "transform/redact-pii", "batch"],
                    "exporters": ["opensearch"],
                },
                "traces": {
                    "receivers": ["otlp"],
                    "processors": ["memory_limiter", "transform/redact-pii", "batch"],
                    "exporters": ["otlp/tempo"],
                },
            },
        },
    }
