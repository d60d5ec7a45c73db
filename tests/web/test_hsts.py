"""HTTP Strict Transport Security: off unless ``TELCODESK_HSTS_SECONDS`` turns it on."""

from __future__ import annotations

import pytest
from django.test import Client

HSTS = "Strict-Transport-Security"
SECONDS = ("from django.conf import settings; from django.test import Client; "
           "r = Client().get('/', secure=True); print(r.headers.get('" + HSTS + "', 'none'))")


@pytest.mark.django_db
def test_production_turns_hsts_on_with_its_setting(run_cli):
    on = run_cli("manage", "shell", "--no-imports", "-c", SECONDS,
                 env={"TELCODESK_HSTS_SECONDS": "31536000"})
    off = run_cli("manage", "shell", "--no-imports", "-c", SECONDS)

    assert on.returncode == 0, on.stderr
    assert on.stdout.strip().splitlines()[-1] == "max-age=31536000"
    assert off.stdout.strip().splitlines()[-1] == "none"


def test_hsts_goes_out_on_https_only(db, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    assert Client().get("/", secure=True).headers[HSTS] == "max-age=3600"
    assert HSTS not in Client().get("/").headers


PROXIED = ("from django.test import Client; "
           "r = Client().get('/', HTTP_X_FORWARDED_PROTO='https'); "
           "print(r.headers.get('" + HSTS + "', 'none'))")


@pytest.mark.django_db
def test_behind_a_tls_proxy_the_forwarded_scheme_counts(run_cli):
    env = {"TELCODESK_HSTS_SECONDS": "600"}
    trusted = run_cli("manage", "shell", "--no-imports", "-c", PROXIED,
                      env={**env, "TELCODESK_BEHIND_TLS_PROXY": "1"})
    untrusted = run_cli("manage", "shell", "--no-imports", "-c", PROXIED, env=env)

    assert trusted.returncode == 0, trusted.stderr
    assert trusted.stdout.strip().splitlines()[-1] == "max-age=600"
    assert untrusted.stdout.strip().splitlines()[-1] == "none"
