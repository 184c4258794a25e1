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
# Named after the suite's own database, so suites run side by side (or by several people) never drop
# each other's upgrade database.
DB_NAME = f"{settings.DATABASES['default']['NAME']}_upgrade_check"

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


# One review vocabulary (core.review, issue 20): a KIM was pending / verified, a report or an
# activity entry reviewed; each carries its state over under its new name.
NEW_STATE = {"pending": "waiting", "verified": "accepted", "reviewed": "accepted"}


def _states(rows, column):
    """`rows` with the review state in `column` named as the current code names it."""
    return [(*row[:column], NEW_STATE.get(row[column], row[column]), *row[column + 1 :]) for row in rows]


def _contents(pengurus_table):
    return {
        "kim": _states(_query("SELECT name, desa_id, formed_on, review_status FROM registry_kim ORDER BY id"), 3),
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


# The main the review workflow started from (issue 20): proposals, reports and activity entries,
# waiting, decided and refused, each with its history.
REVIEW_BASE = os.environ.get("UPGRADE_REVIEW_FROM", "4b6c6bd")


def _review_contents(reason_column):
    return {
        "kim": _states(_query(f"SELECT id, review_status, {reason_column} FROM registry_kim ORDER BY id"), 1),
        "kim history": _states(
            _query("SELECT history_id, review_status FROM registry_historicalkim ORDER BY history_id"), 1
        ),
        "reports": _states(
            _query(f"SELECT id, review_status, reviewed_by_id, {reason_column} FROM coverage_fieldreport ORDER BY id"),
            1,
        ),
        "report history": _states(
            _query("SELECT history_id, review_status FROM coverage_historicalfieldreport ORDER BY history_id"), 1
        ),
        "activity": _states(
            _query("SELECT id, review_status, reviewed_by_id FROM registry_kimactivity ORDER BY id"), 1
        ),
        "activity history": _states(
            _query("SELECT history_id, review_status FROM registry_historicalkimactivity ORDER BY history_id"), 1
        ),
    }


# Run by the earlier main's own code: a proposal waiting and one refused, a report waiting, one
# reviewed and one refused, an officer's activity entry waiting and one reviewed.
DECISIONS_OF_THE_OLD_CODE = """
import uuid
from django.contrib.auth.models import User
from coverage.models import FieldReport, OutreachEvent
from registry.models import Desa, Kim, KimActivity
staff = User.objects.create(username="upgrade-staff", is_staff=True)
desa = Desa.objects.filter(kims__isnull=True).order_by("code")
waiting = Kim.objects.create(name="KIM Menunggu", desa=desa[0], formed_on="2024-01-01", review_status="pending")
refused = Kim.objects.create(name="KIM Ditolak", desa=desa[1], formed_on="2024-01-01", review_status="pending")
refused.refuse(by=staff, reason="SK belum ada")
from datetime import timedelta
from django.utils import timezone
from registry.models import Kecamatan
kecamatan = Kecamatan.objects.order_by("code").first()
events = [
    OutreachEvent.objects.create(
        title=f"Kegiatan {n}", kind="sosialisasi", status="held", kecamatan=kecamatan,
        starts_at=timezone.now() - timedelta(days=n + 1),
    )
    for n in range(3)
]
reports = [
    FieldReport.objects.create(client_id=uuid.uuid4(), event=e, submitted_by=staff, receipt=f"LAP-U-{n}")
    for n, e in enumerate(events)
]
reports[1].mark_reviewed(by=staff)
reports[2].refuse(by=staff, reason="Foto tidak jelas")
kim = Kim.objects.filter(review_status="verified").first()
entries = [
    KimActivity.objects.create(kim=kim, date="2025-01-0%d" % n, kind="meeting", review_status="waiting")
    for n in (1, 2)
]
entries[1].mark_reviewed(by=staff)
"""


def test_every_review_state_and_its_history_carry_over_to_one_vocabulary(tmp_path):
    archive = subprocess.run(["git", "archive", REVIEW_BASE], cwd=ROOT, capture_output=True)
    if archive.returncode != 0:
        pytest.fail(f"commit {REVIEW_BASE} is not in this clone: {archive.stderr.decode().strip()}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(tmp_path, filter="data")
    _recreate()
    try:
        _manage(tmp_path, "migrate", "--noinput")
        _manage(tmp_path, "load_regions")
        _manage(tmp_path, "load_demo")
        _manage(tmp_path, "shell", "-c", DECISIONS_OF_THE_OLD_CODE)
        before = _review_contents("review_note")
        states = {row[1] for rows in before.values() for row in rows}
        assert {"waiting", "accepted", "refused"} <= states  # the demo has every state to carry
        _manage(ROOT, "migrate", "--noinput")
        assert _review_contents("review_reason") == before
        kim_verified = _query("SELECT count(*) FROM registry_kim WHERE reviewed_by_id IS NOT NULL")[0][0]
        assert kim_verified > 0  # who verified a KIM (verified_by) is who reviewed it now
    finally:
        _recreate(drop_only=True)
