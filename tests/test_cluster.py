"""Several app servers behind nginx (docs/deployment.md, section 8): the fast half of `make cluster-check`.

The nginx configuration the guide installs renders and nginx accepts it; it keeps the portal's private
areas out of the microcache; the app tells nginx to keep a public page to the end of its second only;
and the check's own arithmetic (wrk's report, the ratio, the cut-off answers, the forms) holds."""

import importlib.util
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from .tools import missing_tool

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "nginx" / "kimportal.conf"


@pytest.fixture(scope="module")
def check():
    spec = importlib.util.spec_from_file_location("cluster_check", ROOT / "bench" / "cluster_check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rendered(check, tmp_path, **overrides) -> str:
    values = {
        "listen": "127.0.0.1:8480",
        "server_name": "kim.example.go.id",
        "upstreams": ["10.0.0.11:8000", "10.0.0.12:8000"],
        "cache_path": str(tmp_path / "cache"),
    }
    return check.render_nginx_conf(TEMPLATE.read_text(), **{**values, **overrides})


def nginx_or_missing() -> str:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if not nginx:
        missing_tool("nginx is missing (apt-get install nginx); .ci/run installs it")
    return nginx


@pytest.fixture
def nginx_folder():
    """A temporary folder outside pytest's own (whose parents nginx's workers could not enter as nobody)."""
    folder = Path(tempfile.mkdtemp(prefix="kim-nginx-test-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_nginx_accepts_the_configuration_of_the_deployment_guide(check, nginx_folder):
    nginx_or_missing()
    conf = check.write_nginx_conf(  # runs nginx -t, raises when refused
        nginx_folder / "nginx",
        listen="127.0.0.1:8480",
        upstreams=["10.0.0.11:8000", "10.0.0.12:8000"],
        static_listen="127.0.0.1:8483",
    )
    assert "server 10.0.0.12:8000 max_fails=3 fail_timeout=2s;" in conf.read_text()


class StubServer(BaseHTTPRequestHandler):
    """An app server answering a small page; /cookie also sets a cookie, as Django's CSRF does."""

    def do_GET(self):
        body = b"<p>halaman</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        if self.path == "/cookie":
            self.send_header("Set-Cookie", "csrftoken=abc; Path=/; SameSite=Lax")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_nginx_keeps_a_public_page_but_never_an_answer_that_sets_a_cookie(check, nginx_folder):
    nginx_or_missing()
    app = ThreadingHTTPServer(("127.0.0.1", 0), StubServer)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    port, prefix = free_port(), nginx_folder / "nginx"
    conf = check.write_nginx_conf(
        prefix,
        listen=f"127.0.0.1:{port}",
        upstreams=[f"127.0.0.1:{app.server_port}"],
        static_listen=f"127.0.0.1:{free_port()}",
    )
    proc = subprocess.Popen(check.nginx_command(prefix, conf), start_new_session=True)
    try:
        check.wait_for(port, "/plain", seconds=10)

        def statuses(path):
            return [check.Browser().get(port, path).headers.get("x-cache-status") for _ in range(3)]

        assert statuses("/plain")[-2:] == ["HIT", "HIT"]
        assert statuses("/cookie") == ["MISS", "MISS", "MISS"]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
        app.shutdown()


def test_a_placeholder_left_in_the_template_is_an_error(check, tmp_path):
    with pytest.raises(KeyError):
        check.render_nginx_conf("listen {{listen}}; {{port}}", listen="80", server_name="", upstreams=[], cache_path="")


def test_the_microcache_never_keeps_the_private_areas_of_the_portal():
    """The template names the admin's, the field area's and the mail links' prefixes: they must be
    the portal's real ones (a moved prefix would otherwise be cached for everyone)."""
    private = re.search(r"map \$uri \$kimportal_private \{(.*?)\}", TEMPLATE.read_text(), re.S).group(1)
    patterns = [line.split()[0] for line in private.strip().splitlines() if not line.strip().startswith("default")]
    for url in (
        reverse("admin:index"),
        reverse("admin:login"),
        reverse("field:home"),
        reverse("field:photo", args=[1]),
        reverse("mail-preference", args=["token"]),
        reverse("healthz"),
    ):
        assert any(re.match(p[1:], url) if p.startswith("~") else p == url for p in patterns), url
    template = TEMPLATE.read_text()
    assert f"$cookie_{django_settings.SESSION_COOKIE_NAME} $kimportal_signed_in" in template
    assert f"$cookie_{django_settings.LANGUAGE_COOKIE_NAME}" in template  # in the key
    # Set-Cookie and Cache-Control must keep their say: only Vary is ignored.
    assert re.findall(r"proxy_ignore_headers ([^;]*);", template) == ["Vary"]


def test_a_public_page_tells_nginx_to_keep_it_to_the_end_of_its_second(client, demo):
    before = int(time.time())
    response = client.get("/")
    assert response.status_code == 200
    assert before <= int(response["X-Accel-Expires"].removeprefix("@")) <= int(time.time())


def test_nothing_personal_nor_refused_is_offered_to_nginx_for_keeping(client, staff_client, demo):
    assert "X-Accel-Expires" not in staff_client.get("/")  # signed in
    assert "X-Accel-Expires" not in client.get("/membentuk-kim/")  # its form's CSRF cookie, never-cache
    assert "X-Accel-Expires" not in client.get(reverse("admin:login"))  # sets the CSRF cookie
    assert "X-Accel-Expires" not in client.post("/")  # not a GET
    assert "X-Accel-Expires" not in client.get("/kecamatan/99.99.99/")  # 404


def test_wrk_reports_are_read_with_their_errors(check):
    report = """Running 2s test @ http://127.0.0.1:8480/
  2 threads and 16 connections
  16017 requests in 2.00s, 666.50MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 7
Requests/sec:   8006.52
Transfer/sec:    333.19MB
"""
    assert check.parse_wrk(report) == check.WrkRun(requests=16017, rps=8006.52, non2xx=7, socket_errors=3)
    clean = report.replace("  Socket errors: connect 0, read 2, write 0, timeout 1\n", "").replace(
        "  Non-2xx or 3xx responses: 7\n", ""
    )
    assert check.parse_wrk(clean) == check.WrkRun(requests=16017, rps=8006.52, non2xx=0, socket_errors=0)


def test_the_microcache_ratio_is_the_median_of_the_interleaved_runs(check):
    assert check.microcache_ratio([10.0, 30.0, 50.0], [20.0, 40.0, 50.0]) == 0.75
    with pytest.raises(ValueError):
        check.microcache_ratio([1.0], [])


def test_only_answers_of_the_killed_server_cut_after_their_headers_count(check):
    log = "\n".join(
        [
            "[error] 1#1: *3 upstream prematurely closed connection while reading upstream, client: 127.0.0.1, "
            'request: "GET /healthz HTTP/1.1", upstream: "http://127.0.0.1:8482/healthz", host: "127.0.0.1:8480"',
            "[error] 1#1: *4 upstream prematurely closed connection while reading response header from upstream, "
            'upstream: "http://127.0.0.1:8482/kim/"',  # retried on the other server: no harm
            "[error] 1#1: *5 upstream prematurely closed connection while reading upstream, "
            'upstream: "http://127.0.0.1:8481/"',  # the other server
        ]
    )
    assert check.answers_cut_off(log, "127.0.0.1:8482") == 1


def test_a_form_is_sent_back_as_a_browser_would(check):
    page = """<form id="other"><input name="x" value="1"></form>
<form id="kim_form" method="post"><input type="hidden" name="csrfmiddlewaretoken" value="t">
<input name="name" value="KIM Ketapang"><input type="checkbox" name="a" checked><input type="checkbox" name="b">
<select name="tier"><option value="">-</option><option value="2" selected>Madya</option></select>
<select name="desa"><option value="7">Ketapang</option></select>
<select name="tags" multiple><option value="1" selected>a</option><option value="2" selected>b</option></select>
<textarea name="notes">
Catatan</textarea><input type="submit" name="_save" value="Simpan"><input name="off" value="z" disabled></form>"""
    assert check.form_fields(page, "kim_form") == [
        ("csrfmiddlewaretoken", "t"),
        ("name", "KIM Ketapang"),
        ("a", "on"),
        ("tier", "2"),
        ("desa", "7"),
        ("tags", "1"),
        ("tags", "2"),
        ("notes", "Catatan"),
    ]
