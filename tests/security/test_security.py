"""Production settings, security headers, login lock-out and the audit trail."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import authenticate
from django.test import Client, RequestFactory

from registry.models import Kim

from ..factories import make_desa, make_kim, make_user

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "kx7Qp2vLz9RtW4mB8nYc3HsJ6dFa1GeU5oIiKlZxCvBnMqWeRtYu",
    "ALLOWED_HOSTS": "kim.kotimkab.go.id",
    "CSRF_TRUSTED_ORIGINS": "https://kim.kotimkab.go.id",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_PROXY_SSL_HEADER": "1",
    "ENV_FILE": "/dev/null",
}


def test_production_settings_pass_the_deployment_checklist_without_a_warning():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**env, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_every_page_carries_a_content_security_policy_without_inline_script(client, kotim):
    policy = client.get("/").headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert script_src == "'self'"
    assert "unsafe-eval" not in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy


def test_pages_forbid_framing_sniffing_and_leaking_the_referrer(client, kotim):
    response = client.get("/", secure=True)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_session_and_csrf_cookies_travel_only_over_https_and_hide_from_scripts(client, staff):
    client.post("/admin/login/", {"username": "sari", "password": "rahasia-uji-123"})
    assert client.cookies["sessionid"]["secure"] is True
    assert client.cookies["sessionid"]["httponly"] is True
    assert client.cookies["csrftoken"]["secure"] is True


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/admin/login/",
        "/admin/",
        "/admin/registry/kim/",
        "/admin/registry/kim/add/",
        "/admin/registry/kim/import/",
        "/admin/registry/kim/export/",
        "/admin/coverage/outreachevent/",
        "/admin/coverage/outreachevent/add/",
        "/admin/coverage/outreachevent/?starts_at__year=2022",
    ],
)
def test_no_page_has_inline_script_or_event_handler_attributes(staff_client, kotim, url):
    make_kim(desa=kotim.kecamatan.first().desa.first())
    html = staff_client.get(url).content.decode()
    assert not INLINE_SCRIPT.findall(html)
    assert not EVENT_HANDLER.findall(html)


def test_the_health_check_answers_ok_without_touching_the_database(client):
    response = client.get("/healthz")  # no db fixture: any query would raise
    assert response.content == b"ok"


def fail_login(client, username, times):
    for _ in range(times):
        client.post("/admin/login/?next=/admin/", {"username": username, "password": "salah"})


def test_five_failed_admin_logins_lock_the_account_out_even_with_the_right_password(client, staff):
    fail_login(client, "sari", 5)
    response = client.post("/admin/login/?next=/admin/", {"username": "sari", "password": "rahasia-uji-123"})
    assert response.status_code == 429
    assert "Terlalu banyak percobaan masuk yang gagal" in response.content.decode()


def test_four_failed_logins_do_not_lock_the_account_out(client, staff):
    fail_login(client, "sari", 4)
    response = client.post("/admin/login/?next=/admin/", {"username": "sari", "password": "rahasia-uji-123"})
    assert response.status_code == 302


def test_a_lock_out_does_not_reach_another_user(client, staff):
    make_user(username="dewi", is_staff=True, password="rahasia-dewi-456")
    fail_login(client, "sari", 5)
    response = client.post("/admin/login/?next=/admin/", {"username": "dewi", "password": "rahasia-dewi-456"})
    assert response.status_code == 302


def sign_in(client, username, password="rahasia-uji-123", **meta):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password}, **meta).status_code


def test_behind_the_proxy_a_lock_out_holds_only_the_attackers_address(client, staff, settings):
    """nginx (docs/deployment.md) connects from 127.0.0.1 and appends the client's address to X-Forwarded-For."""
    settings.TRUSTED_PROXY_COUNT = 1
    # The attacker also writes Sari's address into the header; nginx appends the real one.
    attacker = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7, 203.0.113.9"}
    for _ in range(5):
        sign_in(client, "sari", "salah", **attacker)
    assert sign_in(client, "sari", **attacker) == 429
    sari = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    assert sign_in(Client(), "sari", **sari) == 302


def test_without_a_proxy_a_forged_forwarded_address_neither_evades_nor_redirects_the_lock_out(client, staff):
    for n in range(5):
        sign_in(client, "sari", "salah", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert sign_in(client, "sari", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.1") == 429
    assert sign_in(Client(), "sari", REMOTE_ADDR="198.51.100.0") == 302


def test_any_login_built_on_authenticate_is_locked_out_too(staff):
    """The field officers' login (another page, same django.contrib.auth) gets the same protection."""
    request = RequestFactory().post("/petugas/masuk/")
    for _ in range(5):
        assert authenticate(request, username="sari", password="salah") is None
    assert authenticate(request, username="sari", password="rahasia-uji-123") is None


def test_admin_changes_are_written_to_the_admin_history(staff_client, db):
    desa = make_desa()
    staff_client.post(
        "/admin/registry/kim/add/",
        {
            "name": "KIM Baru",
            "desa": desa.pk,
            "formed_on": "2023-01-05",
            "pengurus-TOTAL_FORMS": "0",
            "pengurus-INITIAL_FORMS": "0",
        },
    )
    kim = Kim.objects.get(name="KIM Baru")
    entry = LogEntry.objects.get(object_id=str(kim.pk))
    assert entry.user.username == "sari"
    assert entry.is_addition()
