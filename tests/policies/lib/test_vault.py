"""The Vault readers: durations and booleans as Vault reads them, and the token-issuing and tuned auth types,
checked against the installed pulumi-vault so a provider upgrade that adds an auth method fails here."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import typing

import pulumi
import pulumi_vault
import pytest

from policies.lib.vault import (
    TOKEN_ISSUERS,
    TUNED_AUTH_BACKENDS,
    duration_seconds,
    hours,
    parse_bool,
    path_capabilities,
)


def _vault_resource_parameters() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    names = ["pulumi_vault"] + [
        info.name
        for info in pkgutil.iter_modules(pulumi_vault.__path__, "pulumi_vault.")
        if info.ispkg and info.name != "pulumi_vault.config"
    ]
    for name in names:
        package = importlib.import_module(name)
        getattr(package, "__all__", None)  # pulumi_vault loads its modules lazily
        for value in list(vars(package).values()):
            if (
                inspect.isclass(value)
                and value.__module__.startswith(f"{name}.")
                and issubclass(value, pulumi.CustomResource)
                and not issubclass(value, pulumi.ProviderResource)
            ):
                overloads = typing.get_overloads(value.__init__)
                found[pulumi.get_type_token(value)] = set(inspect.signature(overloads[0]).parameters)
    return found


@pytest.fixture(scope="module")
def parameters() -> dict[str, set[str]]:
    return _vault_resource_parameters()


def test_token_issuers_are_every_resource_with_token_settings(parameters):
    assert set(TOKEN_ISSUERS) == {t for t, params in parameters.items() if {"token_ttl", "token_max_ttl"} <= params}


def test_tuned_auth_backends_are_every_auth_backend_with_a_tune_block(parameters):
    assert set(TUNED_AUTH_BACKENDS) == {t for t, params in parameters.items() if "tune" in params}


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (900, 900),
        (900.0, 900),
        ("3600", 3600),
        ("8h", 28800),
        ("1h30m", 5400),
        ("768h", 2764800),
        ("7d", 604800),
        ("90s", 90),
        ("1.5h", 5400),
        ("", None),
        ("forever", None),
        ("8 h", None),
        (None, None),
        (True, None),
    ],
)
def test_durations(value, seconds):
    assert duration_seconds(value) == seconds


def test_booleans_hours_and_policy_blocks():
    assert [parse_bool(v) for v in ("true", "1", "T", "false", "0", "F", "yes", None, False)] == [
        True,
        True,
        True,
        False,
        False,
        False,
        None,
        None,
        False,
    ]
    assert [hours(s) for s in (28800, 5400, 45, 3600.0)] == ["8 h", "90 min", "45 s", "1 h"]
    text = '# path "sys/*" { capabilities = ["sudo"] }\npath "kv/*" {\n  capabilities = ["read", "list"]\n}'
    assert path_capabilities(text) == [("kv/*", ["read", "list"])]
