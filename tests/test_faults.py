"""Faults: the database goes away and comes back; backups restore what was."""

import json
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from core.backup import dump, restore
from coverage.models import OutreachEvent
from kimportal.demo import load_demo
from registry.models import KecamatanKimSummary, Kim, KimMonthlySummary, KimSearchText, Pengurus
from registry.regions import load_regions

ROOT = Path(__file__).resolve().parent.parent


class TcpProxy:
    """A TCP relay to PostgreSQL that the test can cut and reconnect."""

    def __init__(self, target):
        self.target = target
        self.port = None
        self.sockets = []
        self.listener = None

    def start(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port or 0))
        self.listener.listen()
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()
        return self

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def stop(self):
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() of the thread
        except OSError:
            pass
        self.listener.close()
        for s in self.sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass
        self.sockets = []


@pytest.fixture
def postgres_through_a_proxy(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...)")
    load_regions(["62.02"])
    settings = connection.settings_dict
    original = settings["HOST"], settings["PORT"]
    proxy = TcpProxy((settings["HOST"] or "127.0.0.1", int(settings["PORT"] or 5432))).start()
    connection.close()
    settings["HOST"], settings["PORT"] = "127.0.0.1", proxy.port
    yield proxy
    proxy.stop()
    connection.close()
    settings["HOST"], settings["PORT"] = original


def test_when_postgresql_goes_away_pages_answer_503_in_indonesian_and_recover_by_themselves(
    client, postgres_through_a_proxy
):
    proxy = postgres_through_a_proxy
    assert client.get("/", {"tanggal": "2022-01-01"}).status_code == 200
    proxy.stop()
    response = client.get("/", {"tanggal": "2022-01-02"})
    assert response.status_code == 503
    assert "Layanan sedang tidak tersedia" in response.content.decode()
    assert "Traceback" not in response.content.decode()
    proxy.start()
    assert client.get("/", {"tanggal": "2022-01-03"}).status_code == 200


def test_the_open_data_answers_503_too_while_postgresql_is_away(client, postgres_through_a_proxy):
    postgres_through_a_proxy.stop()
    assert client.get("/data/coverage.csv").status_code == 503
    postgres_through_a_proxy.start()
    assert client.get("/data/coverage.csv").status_code == 200


def snapshot():
    return (
        sorted(Kim.objects.values_list("name", "desa__code", "formed_on")),
        sorted(Pengurus.objects.values_list("name", "phone")),
        sorted(OutreachEvent.objects.values_list("title", "starts_at", "status")),
    )


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_the_database_as_it_was(tmp_path):
    # A transactional test starts from an emptied database: bring back the roles load_demo uses.
    for name in ("Admin Diskominfo", "Petugas lapangan"):
        Group.objects.get_or_create(name=name)
    load_regions(["62.02"])
    load_demo()
    before = snapshot()
    backup = dump(tmp_path / "kimportal.backup")
    OutreachEvent.objects.all().delete()
    Kim.objects.all().delete()
    restore(backup)
    assert snapshot() == before
    assert before[0]


@pytest.mark.django_db(transaction=True)
def test_a_json_backup_older_than_the_stored_summaries_comes_back_with_them(tmp_path):
    """SQLite's backup is Django's JSON: one made before the KIM summary and search text existed
    holds none of their rows, and the restore rebuilds them from the KIM it holds."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's backup is pg_dump's, restored as the schema it was made with")
    for name in ("Admin Diskominfo", "Petugas lapangan"):
        Group.objects.get_or_create(name=name)
    load_regions(["62.02"])
    load_demo()
    backup = dump(tmp_path / "kimportal.json")
    older = [row for row in json.loads(backup.read_text()) if row["model"] not in STORED]
    backup.write_text(json.dumps(older))
    Kim.objects.filter(name__startswith="KIM").update(name="Dihapus")

    restore(backup)

    assert KimSearchText.objects.count() == Kim.objects.count() > 0
    assert KimSearchText.objects.differences() == [] and KimMonthlySummary.objects.differences() == []
    assert KecamatanKimSummary.objects.differences() == [] and KecamatanKimSummary.objects.exists()
    assert not Kim.objects.filter(name="Dihapus").exists()


STORED = {
    "registry.kimsearchtext",
    "registry.kimmonthlysummary",
    "registry.kecamatankimsummary",
    "coverage.monthlysummary",
}


def test_the_backup_script_says_what_it_did(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(tmp_path / "missing.dump")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "does not exist" in result.stderr
