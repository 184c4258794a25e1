"""Servers the tests start on loopback: free ports, and gunicorn with several workers on a copy
of the test's committed data (tests of what several processes see: ETags, the page cache)."""

import http.client
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A loopback port nothing listens on now: the suites (and pytest-xdist's workers) run side by
    side, so no test may count on a fixed port being free."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_for_another_process(folder: Path) -> str:
    """A DATABASE_URL that shows another process this test's (committed) data."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":  # the test database lives in memory: copy it into a file
        connection.ensure_connection()
        copy = sqlite3.connect(folder / "db.sqlite3")
        connection.connection.backup(copy)
        copy.close()
        return f"sqlite:///{folder / 'db.sqlite3'}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _answers(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    finally:
        conn.close()


@contextmanager
def gunicorn(env: dict, folder: Path, *, workers: int = 2):
    """`gunicorn -w <workers>` serving tests.pid_wsgi (each answer names its worker) with `env`,
    on a free loopback port (yielded) once /healthz answers; stopped at the end."""
    port = free_port()
    log = (folder / "gunicorn.log").open("w+")
    command = [sys.executable, "-m", "gunicorn", "tests.pid_wsgi:application", "--workers", str(workers)]
    server = subprocess.Popen(
        [*command, "--bind", f"127.0.0.1:{port}", "--timeout", "60"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _answers(port)
                break
            except OSError:
                log.seek(0)
                assert server.poll() is None and time.monotonic() < deadline, log.read()
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)
        log.close()
