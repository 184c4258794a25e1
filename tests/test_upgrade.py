"""A PostgreSQL database filled by an earlier main migrates to this code with nothing lost.

The check checks out the earlier main with git, lets its own code migrate a
fresh database and load the demo data, then runs this code's migrations on
it and compares what it holds. Repeatable by hand for any earlier commit:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kimportal_ci \\
    UPGRADE_FROM=<commit> make test PYTEST_ARGS="tests/test_upgrade.py"
"""

import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings

from .tools import missing_tool

ROOT = Path(__file__).resolve().parent.parent
# The last main before the rooms were split and Officer became Pengurus (issue 8).
BASE = os.environ.get("UPGRADE_FROM", "d0f2747")
DB_NAME = "kimportal_upgrade_check"

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="needs PostgreSQL (DATABASE_URL=postgres://...): production's database",
)


def _recreate(*, drop_only=False):
    import psycopg2

    db = settings.DATABASES["default"]
    conn = psycopg2.connect(
        dbname="postgres", user=db["USER"], host=db["HOST"] or None, port=db["PORT"] or None, password=db["PASSWORD"]
    )
    conn.autocommit = True  # CREATE/DROP DATABASE run outside a transaction
    try:
        with conn.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
            if not drop_only:
                cursor.execute(f"CREATE DATABASE {DB_NAME}")
    finally:
        conn.close()


def _query(sql):
    import psycopg2

    db = settings.DATABASES["default"]
    conn = psycopg2.connect(
        dbname=DB_NAME, user=db["USER"], host=db["HOST"] or None, port=db["PORT"] or None, password=db["PASSWORD"]
    )
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()
    finally:
        conn.close()


def _manage(cwd, *args):
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{DB_NAME}"
    env = {**os.environ, "DATABASE_URL": url, "ENV_FILE": "/dev/null", "DEBUG": "0"}
    env.setdefault("SECRET_KEY", "upgrade-check-secret-key-not-for-production")
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=cwd, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.fixture
def earlier_main(tmp_path):
    archive = subprocess.run(["git", "archive", BASE], cwd=ROOT, capture_output=True)
    if archive.returncode != 0:
        missing_tool(f"commit {BASE} is not in this clone: {archive.stderr.decode().strip()}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(tmp_path, filter="data")
    _recreate()
    yield tmp_path
    _recreate(drop_only=True)


def _contents(pengurus_table):
    return {
        "kim": _query("SELECT name, desa_id, formed_on, review_status FROM registry_kim ORDER BY id"),
        "pengurus": _query(f"SELECT kim_id, name, role, phone FROM {pengurus_table} ORDER BY id"),
        "events": _query("SELECT title, status, starts_at, kecamatan_id FROM coverage_outreachevent ORDER BY id"),
        "kim history": _query("SELECT count(*) FROM registry_historicalkim"),
        "assignments": _query("SELECT user_id, kecamatan_id FROM coverage_officerassignment ORDER BY id"),
        "users": _query("SELECT username, password FROM auth_user ORDER BY id"),
        "regions": _query("SELECT count(*) FROM registry_desa"),
    }


def _group_rights(group):
    rows = _query(
        "SELECT ct.app_label || '.' || p.codename FROM auth_group g "
        "JOIN auth_group_permissions gp ON gp.group_id = g.id JOIN auth_permission p ON p.id = gp.permission_id "
        f"JOIN django_content_type ct ON ct.id = p.content_type_id WHERE g.name = '{group}'"
    )
    return {r[0] for r in rows}


def test_a_database_filled_by_the_previous_main_migrates_without_loss(earlier_main):
    _manage(earlier_main, "migrate", "--noinput")
    _manage(earlier_main, "load_regions")
    _manage(earlier_main, "load_demo")
    before = _contents("registry_officer")
    assert len(before["pengurus"]) > 10

    _manage(ROOT, "migrate", "--noinput")

    assert _contents("registry_pengurus") == before
    rights = _group_rights("Admin Diskominfo")
    assert {"registry.add_pengurus", "registry.change_pengurus", "registry.view_historicalpengurus"} <= rights
    assert not any("officer" in right and "assignment" not in right for right in rights)
