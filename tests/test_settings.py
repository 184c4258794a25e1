"""Settings come from the environment; production refuses an unsafe secret key."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

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


def _database_options(database_url: str, **env) -> str:
    """The `options` the app passes to PostgreSQL for `database_url`, as a fresh process reads them."""
    code = (
        "from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS', {}).get('options', ''))"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "kimportal.settings", "ENV_FILE": "/dev/null"}
        | {"DATABASE_URL": database_url, **env},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_postgresql_plans_for_a_disk_that_reads_out_of_order_cheaply():
    assert _database_options("postgres://postgres@127.0.0.1:5432/x") == "-c random_page_cost=1.1"
    assert _database_options("sqlite:///x.sqlite3") == ""  # SQLite has no such planner setting


def test_an_office_can_give_the_planner_its_own_cost_or_options():
    assert _database_options("postgres://127.0.0.1/x", PG_RANDOM_PAGE_COST="4") == "-c random_page_cost=4.0"
    own = _database_options("postgres://127.0.0.1/x?options=-c%20random_page_cost%3D2")
    assert own == "-c random_page_cost=1.1 -c random_page_cost=2"  # the office's own comes last and wins


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")
def test_every_connection_to_postgresql_carries_the_planner_setting(db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone() == ("1.1",)
