"""Settings come from the environment; production refuses an unsafe secret key."""

import io
import os
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def start_django(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "kimportal.settings", "ENV_FILE": "/dev/null", **env},
        capture_output=True,
        text=True,
    )


def test_without_debug_the_app_refuses_to_start_without_a_secret_key():
    result = start_django(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is missing" in result.stderr


def test_without_debug_the_app_refuses_the_development_secret_key():
    result = start_django(DEBUG="0", SECRET_KEY="django-insecure-kimportal-development-only")
    assert result.returncode != 0


def test_with_a_real_secret_key_the_app_starts():
    result = start_django(DEBUG="0", SECRET_KEY="a-long-random-production-secret-for-tests")
    assert result.returncode == 0, result.stderr


def test_the_portal_speaks_indonesian_in_jakarta_time(settings):
    assert settings.LANGUAGE_CODE == "id"
    assert settings.TIME_ZONE == "Asia/Jakarta"


def test_migrate_on_sqlite_prints_no_warning_to_alarm_a_newcomer(db):
    out, err = io.StringIO(), io.StringIO()
    call_command("check", databases=["default"], stdout=out, stderr=err)  # as migrate does
    assert "W040" not in out.getvalue() + err.getvalue()
    assert "System check identified no issues" in out.getvalue()
