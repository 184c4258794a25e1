"""`make cluster-check`: KIM Portal on two app servers behind nginx (issue 23).

Builds what docs/deployment.md describes, on this machine's loopback: a PostgreSQL database of its
own (cluster_check), one Redis database (CACHE_URL), one MEDIA_ROOT folder, two gunicorn servers
and nginx with deploy/nginx/kimportal.conf (the same file the guide installs) load-balancing them
with its microcache. Then it proves, one PASS/FAIL line each:

  a. a session started on server 1 works on server 2;
  b. a write through server 1 shows through server 2 and through nginx within the bound;
  c. both servers answer the same ETag for the same page (and 304 to each other's);
  d. a photo uploaded through server 1 is served by server 2;
  e. with server 2 killed mid-traffic (wrk through nginx), GETs keep answering: no 5xx, no error;
  f. signed-in pages, the admin and the field area never come from the microcache, nor does a
     response that sets a cookie; anonymous public pages do, with ?tanggal= kept apart;

and prints as its last line `microcache ratio X.XX`: wrk's requests/s on the cached `/` through
nginx divided by nginx serving the same bytes from a file, interleaved runs, median.
Any FAIL makes it exit 1. Every process it starts is stopped on exit, also on Ctrl-C.

Environment: CLUSTER_CACHE_URL (default redis://127.0.0.1:6379/5: the check EMPTIES that Redis
database), CLUSTER_DB (cluster_check, dropped and made again), CLUSTER_PORT (8480: nginx; the
two servers take the next two ports, the static file the one after).
"""

import html.parser
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGINX_TEMPLATE = ROOT / "deploy" / "nginx" / "kimportal.conf"
PG = "postgres://postgres@127.0.0.1:5432/"
SECRET_KEY = "cluster-check-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
DEMO_PASSWORD = "kotim-demo-2022"  # kimportal/demo.py
# A write through one server shows through the other, and through nginx, within this. The servers
# ask Redis for the data version on every request (PAGE_CACHE_VERSION_SECONDS=0, as the guide sets
# it behind the microcache), and nginx keeps a page to the end of its second at most
# (core.middleware.MicrocacheExpiryMiddleware).
FRESH_WITHIN_S = 1.0
SERVER_WORKERS, SERVER_THREADS = 2, 8  # each gunicorn: 2 gthread workers of 4 threads


# --------------------------------------------------------------------------- pure helpers


def render_nginx_conf(
    template: str,
    *,
    listen: str,
    server_name: str,
    upstreams: list[str],
    cache_path: str,
    server_extra: str = "",
    max_fails: int = 3,
    fail_timeout: str = "2s",
) -> str:
    """deploy/nginx/kimportal.conf with its {{placeholders}} filled; a placeholder left over is an error."""
    values = {
        "listen": listen,
        "server_name": server_name,
        "upstream_servers": "\n".join(
            f"    server {u} max_fails={max_fails} fail_timeout={fail_timeout};" for u in upstreams
        ),
        "cache_path": cache_path,
        "server_extra": "\n".join(f"    {line}" for line in server_extra.splitlines()),
    }
    text = re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], template)
    if "{{" in text:
        raise ValueError("a placeholder of the nginx template is left unfilled")
    return text


def nginx_main_conf(site: str, *, prefix: Path, user: str | None, static_listen: str, static_root: Path) -> str:
    """A whole nginx.conf around `site` for a private nginx (its own prefix, pid, logs and temp
    folders), plus a server answering static files from `static_root` (the ratio's yardstick)."""
    temp = prefix / "temp"
    return f"""{f"user {user};" if user else ""}
worker_processes 2;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    # Only what went wrong: the answers that were not 2xx, with what the servers said.
    map $status $kimportal_not_2xx {{ ~^2 0; default 1; }}
    log_format kimportal_check '$status $request_method $request_uri upstream $upstream_addr $upstream_status '
                               'cache $upstream_cache_status $request_time s';
    access_log {prefix}/not-2xx.log kimportal_check if=$kimportal_not_2xx;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{site}
    server {{
        listen {static_listen};
        root {static_root};
    }}
}}
"""


def write_nginx_conf(prefix: Path, *, listen: str, upstreams: list[str], static_listen: str) -> Path:
    """A private nginx's folders and nginx.conf under `prefix` (made here, inside a temporary folder of
    the caller's), with deploy/nginx/kimportal.conf for `upstreams` plus `X-Cache-Status`; checked with
    `nginx -t`. Returns the nginx.conf."""
    for sub in ("temp", "cache", "files"):
        (prefix / sub).mkdir(parents=True)
    user = None
    if os.geteuid() == 0:  # nginx's workers drop to nobody: let them into these folders
        user = "nobody nogroup"
        os.chmod(prefix.parent, 0o755)
        for path in (prefix / "temp", prefix / "cache"):
            shutil.chown(path, "nobody", "nogroup")
    site = render_nginx_conf(
        NGINX_TEMPLATE.read_text(),
        listen=listen,
        server_name="127.0.0.1 localhost",
        upstreams=upstreams,
        cache_path=str(prefix / "cache"),
        server_extra="add_header X-Cache-Status $upstream_cache_status always;",
    )
    conf = prefix / "nginx.conf"
    conf.write_text(
        nginx_main_conf(site, prefix=prefix, user=user, static_listen=static_listen, static_root=prefix / "files")
    )
    test = subprocess.run([*nginx_command(prefix, conf), "-t"], capture_output=True, text=True)
    if test.returncode:
        raise RuntimeError(f"nginx -t refused the configuration:\n{test.stderr}")
    return conf


def nginx_command(prefix: Path, conf: Path) -> list[str]:
    return [
        shutil.which("nginx") or "/usr/sbin/nginx",
        "-p",
        str(prefix),
        "-c",
        str(conf),
        "-e",
        str(prefix / "error.log"),
    ]


@dataclass
class WrkRun:
    requests: int
    rps: float
    non2xx: int
    socket_errors: int


def parse_wrk(out: str) -> WrkRun:
    """wrk's report as numbers: requests, requests/s, non-2xx/3xx answers and socket errors."""
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return WrkRun(requests, rps, non2xx, sum(int(x) for x in socket.groups()) if socket else 0)


def microcache_ratio(cached_rps: list[float], static_rps: list[float]) -> float:
    """The median of the interleaved runs' ratios (cached page through nginx / the same bytes as a file)."""
    if not cached_rps or len(cached_rps) != len(static_rps):
        raise ValueError("the ratio needs as many cached runs as static runs, at least one")
    return statistics.median(c / s for c, s in zip(cached_rps, static_rps, strict=True))


class FormFields(html.parser.HTMLParser):
    """The fields a browser would send for the form with id `form_id` (the first form without one):
    text inputs and hidden ones, checked boxes, selected options, textareas. No files, no buttons."""

    def __init__(self, form_id: str | None = None):
        super().__init__()
        self.form_id, self.fields, self._in_form, self._select, self._textarea = form_id, [], False, None, None
        self._select_chose = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self.fields and (self.form_id is None or a.get("id") == self.form_id):
            self._in_form = True
        if not self._in_form or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((name, a.get("value") or ("on" if kind in ("checkbox", "radio") else "")))
        elif tag == "select" and name:
            self._select, self._select_chose = (name, "multiple" in a, None), False
        elif tag == "option" and self._select:
            name, multiple, first = self._select
            value = a.get("value", "")
            if first is None:
                self._select = (name, multiple, value)
            if "selected" in a and (multiple or not self._select_chose):
                self.fields.append((name, value))
                self._select_chose = True
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self._in_form:
            self._in_form = False
        elif tag == "select" and self._select:
            name, multiple, first = self._select
            if not multiple and not self._select_chose and first is not None:
                self.fields.append((name, first))
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea[0], self._textarea[1].removeprefix("\n")))
            self._textarea = None


def summarize_log(text: str) -> str:
    """Each line of an nginx log once, without its time and connection number, with how often it came."""
    counts: dict[str, int] = {}
    for line in text.splitlines():
        line = re.sub(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d |\d+#\d+: \*\d+ |\d+\.\d+ s$", "", line)
        counts[line] = counts.get(line, 0) + 1
    return "\n".join(f"{n:6d} {line}" for line, n in sorted(counts.items(), key=lambda item: -item[1]))


def answers_cut_off(error_log: str, upstream: str) -> int:
    """How many answers of `upstream` nginx's error log says were cut off after their headers."""
    return sum(
        1
        for line in error_log.splitlines()
        if "prematurely closed connection while reading upstream" in line and f'upstream: "http://{upstream}/' in line
    )


def form_fields(page: str, form_id: str | None = None) -> list[tuple[str, str]]:
    parser = FormFields(form_id)
    parser.feed(page)
    return parser.fields


def multipart(fields: list[tuple[str, str]], files: list[tuple[str, str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body and its Content-Type; files as (field, file name, type, bytes)."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, filename, content_type, data in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# --------------------------------------------------------------------------- HTTP


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class Browser:
    """A visitor with its own cookies, asking any of the servers (cookies do not depend on the port)."""

    cookies: dict = field(default_factory=dict)

    def request(self, port: int, method: str, path: str, *, body=None, headers=None) -> Answer:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        sent = {"Host": "127.0.0.1", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            answer = Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
            for line in response.msg.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(line).items():
                    if morsel.value and morsel["max-age"] != "0":
                        self.cookies[name] = morsel.value
                    else:
                        self.cookies.pop(name, None)
            return answer
        finally:
            conn.close()

    def get(self, port: int, path: str, **kwargs) -> Answer:
        return self.request(port, "GET", path, **kwargs)

    def post_form(self, port: int, path: str, fields: list[tuple[str, str]], files=(), headers=None) -> Answer:
        body, content_type = multipart(fields, list(files))
        return self.request(port, "POST", path, body=body, headers={"Content-Type": content_type, **(headers or {})})

    def log_in(self, port: int, login_path: str, username: str) -> Answer:
        page = self.get(port, login_path)
        fields = [(k, v) for k, v in form_fields(page.text) if k not in ("username", "password")]
        return self.post_form(port, login_path, [*fields, ("username", username), ("password", DEMO_PASSWORD)])


# --------------------------------------------------------------------------- processes


class Processes:
    """Every process the check starts, each in its own session, all stopped on exit."""

    def __init__(self):
        self.procs: list[subprocess.Popen] = []

    def start(self, cmd, **kwargs) -> subprocess.Popen:
        proc = subprocess.Popen(cmd, start_new_session=True, **kwargs)
        self.procs.append(proc)
        return proc

    def kill(self, proc, sig=signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def stop_all(self):
        """SIGKILL to each process group: a test rig has nothing to flush, and gunicorn's graceful
        stop would wait for its idle keep-alive connections."""
        for proc in reversed(self.procs):
            if proc.poll() is None:  # a group whose leader was reaped may no longer be ours
                self.kill(proc)


def wait_for(port: int, path: str = "/healthz", seconds: float = 60):
    deadline = time.monotonic() + seconds
    while True:
        try:
            if Browser().get(port, path).status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"nothing answered {path} on port {port} within {seconds:.0f} s")
        time.sleep(0.2)


def wrk(url: str, *, seconds: float, connections: int = 16, script: Path | None = None, paths=()) -> WrkRun:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s"]
    cmd += ["-s", str(script), url, "--", *paths] if script else [url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    run = parse_wrk(out)
    if run.non2xx or run.socket_errors:
        print(out, file=sys.stderr)
    return run


WRK_ROUND_ROBIN = """
paths = {}
i = 0
init = function(args) for _, p in ipairs(args) do table.insert(paths, p) end end
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
"""


# --------------------------------------------------------------------------- the check


class Check:
    def __init__(self, tmp: Path):
        self.tmp, self.procs, self.failed = tmp, Processes(), []
        self.port = int(os.environ.get("CLUSTER_PORT", "8480"))
        self.servers = [self.port + 1, self.port + 2]
        self.static_port = self.port + 3
        self.db = os.environ.get("CLUSTER_DB", "cluster_check")
        self.cache_url = os.environ.get("CLUSTER_CACHE_URL", "redis://127.0.0.1:6379/5")
        self.env = {
            **os.environ,
            "ENV_FILE": "/dev/null",
            "DEBUG": "0",
            "SECRET_KEY": SECRET_KEY,  # the same on every server: sessions and CSRF tokens hold
            "DATABASE_URL": PG + self.db,
            "CACHE_URL": self.cache_url,
            "MEDIA_ROOT": str(tmp / "media"),  # the "shared filesystem" of docs/deployment.md
            "STATIC_ROOT": str(tmp / "static"),
            "UPLOAD_TEMP_DIR": str(tmp / "uploads-tmp"),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_COOKIES": "0",  # plain HTTP on loopback
            "AXES_PROXY_COUNT": "0",
            "CONN_MAX_AGE": "60",
            "LOG_LEVEL": "WARNING",
            "PAGE_CACHE_VERSION_SECONDS": "0",
        }

    def result(self, letter: str, ok: bool, text: str):
        print(f"{'PASS' if ok else 'FAIL'} {letter}. {text}", flush=True)
        if not ok:
            self.failed.append(letter)

    def manage(self, *args):
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True)

    # ----------------------------------------------------------------- setup

    def prepare(self):
        import psycopg2
        import redis

        conn = psycopg2.connect(PG + "postgres")
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')
            cur.execute(f'CREATE DATABASE "{self.db}"')
        conn.close()
        redis.Redis.from_url(self.cache_url).flushdb()
        for name in ("media", "static", "uploads-tmp"):
            (self.tmp / name).mkdir()
        self.manage("migrate", "--noinput", "-v0")
        self.manage("load_regions")
        self.manage("load_demo")
        self.manage("collectstatic", "--noinput", "-v0")

    def start_server(self, port: int) -> subprocess.Popen:
        log = open(self.tmp / f"gunicorn-{port}.log", "w")
        gunicorn = Path(sys.executable).parent / "gunicorn"
        cmd = [str(gunicorn), "kimportal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(SERVER_WORKERS)]
        cmd += ["--worker-class", "gthread", "--threads", str(SERVER_THREADS // SERVER_WORKERS)]
        cmd += ["--log-level", "warning"]
        return self.procs.start(cmd, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def start_nginx(self):
        prefix = self.tmp / "nginx"
        conf = write_nginx_conf(
            prefix,
            listen=f"127.0.0.1:{self.port}",
            upstreams=[f"127.0.0.1:{p}" for p in self.servers],
            static_listen=f"127.0.0.1:{self.static_port}",
        )
        self.nginx = self.procs.start(nginx_command(prefix, conf))
        self.static_files = prefix / "files"
        wait_for(self.port)

    # ----------------------------------------------------------------- checks

    def check_session(self):
        staff = Browser()
        logged_in = staff.log_in(self.servers[0], "/admin/login/?next=/admin/", "staf.demo")
        other = staff.get(self.servers[1], "/admin/")
        ok = logged_in.status == 302 and other.status == 200 and "/admin/logout/" in other.text
        self.result(
            "a",
            ok,
            f"session started on server 1 (login {logged_in.status}) works on server 2: /admin/ answers {other.status}",
        )
        self.staff = staff
        return ok

    def check_write(self):
        """Rename a KIM in the admin of server 1; poll /kim/ on server 2 and through nginx."""
        staff, one, two = self.staff, self.servers[0], self.servers[1]
        listing = staff.get(one, "/admin/registry/kim/?q=Ketapang").text
        pk = re.search(r"/admin/registry/kim/(\d+)/change/", listing).group(1)
        change = f"/admin/registry/kim/{pk}/change/"
        fields = form_fields(staff.get(one, change).text, "kim_form")
        name = f"KIM Ketapang {uuid.uuid4().hex[:6]}"
        before = Browser().get(two, "/kim/").text, Browser().get(self.port, "/kim/").text  # both cached now
        assert name not in before[0] + before[1]
        fields = [(k, name if k == "name" else v) for k, v in fields] + [("_save", "Simpan")]
        saved = staff.post_form(one, change, fields)
        written = time.monotonic()
        if saved.status != 302:
            errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', saved.text, re.S)
            self.result("b", False, f"the admin of server 1 refused the change ({saved.status}): {errors[:3]}")
            return
        # Two visitors poll /kim/ from the moment the admin answered, one on server 2, one through
        # nginx; an answer to a request that started more than FRESH_WITHIN_S after it and still
        # shows the old name is a failure.
        answers, threads = [], []

        def poll(label, port):
            while (started := time.monotonic() - written) < FRESH_WITHIN_S + 1.0:
                fresh = name in Browser().get(port, "/kim/").text
                answers.append((label, started, fresh))
                time.sleep(0.02)

        for label, port in (("server 2", two), ("nginx", self.port)):
            threads.append(threading.Thread(target=poll, args=(label, port)))
            threads[-1].start()
        for thread in threads:
            thread.join()
        rows, ok = [], True
        for label in ("server 2", "nginx"):
            mine = [(started, fresh) for who, started, fresh in answers if who == label]
            stale = [started for started, fresh in mine if not fresh]
            last_stale = max(stale, default=0.0)
            ok = ok and last_stale < FRESH_WITHIN_S and any(fresh for _, fresh in mine) and mine[-1][1]
            seen = f"the last old name to a request made {last_stale:.2f} s after it" if stale else "no old name"
            rows.append(f"{label}: {len(mine)} requests, {seen}")
        self.result(
            "b",
            ok,
            f"a KIM renamed in the admin of server 1 shows on /kim/ within {FRESH_WITHIN_S:.0f} s; " + "; ".join(rows),
        )

    def check_etags(self):
        rows, ok = [], True
        for path in ("/", "/kim/", "/en/", f"/?tanggal={date.today() - timedelta(days=400):%Y-%m-%d}"):
            a, b = (Browser().get(port, path) for port in self.servers)
            etag = a.headers.get("etag")
            again = Browser().get(self.servers[1], path, headers={"If-None-Match": etag or '""'})
            good = a.status == b.status == 200 and etag and etag == b.headers.get("etag") and again.status == 304
            ok = ok and bool(good)
            rows.append(f"{path} {'same' if good else 'DIFFERENT'}")
        self.result("c", ok, "ETags agree on both servers, each 304 to the other's: " + ", ".join(rows))

    def check_photo(self):
        officer = Browser()
        logged_in = officer.log_in(self.servers[0], "/petugas/masuk/", "petugas.demo")
        form = officer.get(self.servers[0], "/petugas/laporan/baru/")
        token = dict(form_fields(form.text)).get("csrfmiddlewaretoken", "")
        kecamatan = re.search(r'<option value="(\d+)"[^>]*>\s*Parenggean', form.text)
        fields = [
            ("csrfmiddlewaretoken", token),
            ("client_id", str(uuid.uuid4())),
            ("title", "Sosialisasi KIM (cluster-check)"),
            ("kind", "sosialisasi"),
            ("kecamatan", kecamatan.group(1) if kecamatan else ""),
            ("day", (date.today() - timedelta(days=1)).isoformat()),
            ("participants", "10"),
            ("summary", "Uji dua server."),
        ]
        sent = officer.post_form(
            self.servers[0],
            "/petugas/laporan/kirim/",
            fields,
            [("photos", "foto.png", "image/png", tiny_png())],
            headers={"Accept": "application/json", "X-CSRFToken": token},
        )
        if sent.status != 201:
            self.result(
                "d",
                False,
                f"the report with a photo was refused by server 1 (login {logged_in.status}, "
                f"{sent.status}): {sent.text[:300]}",
            )
            return
        report = officer.get(self.servers[1], json.loads(sent.body)["url"]).text
        photo = re.search(r'href="(/petugas/foto/\d+/)"', report)
        served = [officer.get(port, photo.group(1)) if photo else None for port in self.servers]
        ok = (
            bool(photo)
            and all(
                s.status == 200 and s.body[:4] in (b"\x89PNG", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xe1") for s in served
            )
            and served[0].body == served[1].body
        )
        detail = f"{photo.group(1)}: {served[1].status}, {len(served[1].body)} bytes" if photo else "no photo link"
        self.result("d", ok, f"a photo uploaded through server 1 is served by server 2 ({detail}, the same bytes)")

    def check_failover(self, script: Path):
        """Kill server 2 (SIGKILL: a crash, no goodbye) while wrk asks nginx for cached pages and for
        /healthz, which always goes to a server. Every answer must be 2xx. A server killed in the
        middle of sending an answer cuts that answer off, which nothing in front can repair (nginx has
        passed its headers on); such a cut shows in wrk as a read error and in nginx's error log as
        "upstream prematurely closed connection while reading upstream" from server 2, so wrk's socket
        errors must each be one of those, and there can be no more of them than server 2 had threads."""
        paths = ["/", "/kim/", "/en/", "/healthz", "/kim/?q=Baamang", "/data/"]
        for path in paths:
            Browser().get(self.port, path)
        error_log = self.tmp / "nginx" / "error.log"
        log_start = error_log.stat().st_size
        killed = {}

        def kill_server_2():
            time.sleep(1.5)
            self.procs.kill(self.second)
            killed["at"] = time.monotonic()

        killer = threading.Thread(target=kill_server_2)
        killer.start()
        run = wrk(f"http://127.0.0.1:{self.port}", seconds=5, connections=16, script=script, paths=paths)
        killer.join()
        with open(error_log, "rb") as log:
            log.seek(log_start)
            cut = answers_cut_off(log.read().decode(errors="replace"), f"127.0.0.1:{self.servers[1]}")
        still = Browser().get(self.port, "/healthz").status
        ok = run.non2xx == 0 and run.socket_errors <= cut <= SERVER_THREADS and run.requests > 0 and still == 200
        self.result(
            "e",
            ok and "at" in killed,
            f"server 2 killed 1.5 s into 5 s of wrk through nginx ({' '.join(paths)}): "
            f"{run.requests} requests, {run.non2xx} non-2xx, {run.socket_errors} socket errors "
            f"({cut} answers cut off by the kill, at most {SERVER_THREADS})",
        )

    def check_microcache_scope(self):
        anon, ok, rows = Browser(), True, []

        def status(browser, path, method="GET"):
            return browser.request(self.port, method, path).headers.get("x-cache-status", "-")

        def expect(label, got: list[str], good: bool):
            nonlocal ok
            ok = ok and good
            rows.append(f"{label} {'/'.join(got)}")

        day = f"/?tanggal={date.today() - timedelta(days=30):%Y-%m-%d}"
        home = [status(anon, "/") for _ in range(2)]
        expect("anonymous /", home, home[-1] == "HIT")
        for label, path in (("anonymous ?tanggal=", day), ("anonymous /en/", "/en/")):
            got = [status(anon, path) for _ in range(2)]
            differs = Browser().get(self.port, path).body != Browser().get(self.port, "/").body
            expect(label, got, got == ["MISS", "HIT"] and differs)
        for label, browser, path in (
            ("signed-in /", self.staff, "/"),
            ("signed-in /kim/", self.staff, "/kim/"),
            ("/admin/", self.staff, "/admin/"),
            ("anonymous /admin/login/", Browser(), "/admin/login/"),
            ("field officer /petugas/", self.officer_browser(), "/petugas/"),
        ):
            got = [status(browser, path) for _ in range(3)]
            expect(label, got, got == ["BYPASS"] * 3)
        sets_cookie = [status(Browser(), "/membentuk-kim/") for _ in range(3)]  # its form sets csrftoken
        expect("/membentuk-kim/ (sets the CSRF cookie)", sets_cookie, "HIT" not in sets_cookie)
        post = Browser().request(self.port, "POST", "/", body=b"", headers={"Content-Length": "0"})
        expect("POST /", [post.headers.get("x-cache-status") or "not cached"], "x-cache-status" not in post.headers)
        self.result("f", ok, "microcache: " + ", ".join(rows))

    def officer_browser(self) -> Browser:
        officer = Browser()
        officer.log_in(self.servers[0], "/petugas/masuk/", "petugas.demo")
        return officer

    def measure_ratio(self, runs: int = 6, seconds: int = 2) -> float:
        page = Browser().get(self.port, "/")
        (self.static_files / "home.html").write_bytes(page.body)
        os.chmod(self.static_files / "home.html", 0o644)
        os.chmod(self.static_files, 0o755)
        cached_url, static_url = f"http://127.0.0.1:{self.port}/", f"http://127.0.0.1:{self.static_port}/home.html"
        cached, static = [], []
        for run in range(runs):  # alternate which goes first, so a drift hits both
            order = [(cached_url, cached), (static_url, static)]
            for url, into in order if run % 2 == 0 else reversed(order):
                result = wrk(url, seconds=seconds, connections=16)
                if result.non2xx or result.socket_errors:
                    raise RuntimeError(f"wrk on {url}: {result}")
                into.append(result.rps)
        print(
            f"  cached / through nginx: {' '.join(f'{r:.0f}' for r in cached)} req/s; "
            f"the same {len(page.body)} bytes as a file: {' '.join(f'{r:.0f}' for r in static)} req/s"
        )
        return microcache_ratio(cached, static)

    def run(self):
        started = time.monotonic()
        print(f"== database {self.db}, cache {self.cache_url}, MEDIA_ROOT {self.tmp / 'media'}", flush=True)
        self.prepare()
        self.first = self.start_server(self.servers[0])
        self.second = self.start_server(self.servers[1])
        for port in self.servers:
            wait_for(port)
        self.start_nginx()
        print(
            f"== gunicorn on 127.0.0.1:{self.servers[0]} and :{self.servers[1]}, nginx on :{self.port} "
            f"(load average {os.getloadavg()[0]:.2f})",
            flush=True,
        )
        script = self.tmp / "round_robin.lua"
        script.write_text(WRK_ROUND_ROBIN)
        if self.check_session():
            self.check_write()
        self.check_etags()
        self.check_photo()
        self.check_microcache_scope()
        self.check_failover(script)
        # The ratio with one server left, as after (e): the cached page does not need the servers.
        ratio = self.measure_ratio()
        load = os.getloadavg()
        print(
            f"== {len(self.failed)} failed, {time.monotonic() - started:.0f} s, load average "
            f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {os.cpu_count()} CPUs"
        )
        if self.failed:
            for log in ("error.log", "not-2xx.log"):
                print(f"--- nginx's {log}, each message once with its count:", file=sys.stderr)
                print(summarize_log((self.tmp / "nginx" / log).read_text()), file=sys.stderr)
        print(f"microcache ratio {ratio:.2f}", flush=True)
        return not self.failed


def tiny_png() -> bytes:
    import io

    from PIL import Image  # Pillow: the portal's own dependency (field/photos.py)

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


def print_nginx_conf(argv: list[str]) -> int:
    """`python bench/cluster_check.py nginx-conf ...`: the guide's nginx configuration for a real install."""
    import argparse

    parser = argparse.ArgumentParser(prog="cluster_check.py nginx-conf", description=print_nginx_conf.__doc__)
    parser.add_argument("--listen", default="443 ssl", help="nginx's listen (443 ssl)")
    parser.add_argument("--server-name", required=True, help="the portal's host name, e.g. kim.example.go.id")
    parser.add_argument("--upstream", action="append", required=True, help="an app server, e.g. 10.0.0.11:8000")
    parser.add_argument("--cache-path", default="/var/cache/nginx/kimportal", help="the microcache's folder")
    parser.add_argument("--extra", default="", help="more server-level lines, e.g. the TLS certificate's")
    args = parser.parse_args(argv)
    print(
        render_nginx_conf(
            NGINX_TEMPLATE.read_text(),
            listen=args.listen,
            server_name=args.server_name,
            upstreams=args.upstream,
            cache_path=args.cache_path,
            server_extra=args.extra.replace("; ", ";\n"),
        ),
        end="",
    )
    return 0


def main() -> int:
    if sys.argv[1:2] == ["nginx-conf"]:
        return print_nginx_conf(sys.argv[2:])
    for tool, found in (("nginx", os.path.exists(nginx_command(ROOT, ROOT)[0])), ("wrk", shutil.which("wrk"))):
        if not found:
            sys.exit(f"{tool} is missing: apt-get install -y {tool} (make cluster-check installs it)")

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)  # also when started with SIGINT ignored (in the background)
    tmp = Path(tempfile.mkdtemp(prefix="kim-cluster-"))
    check = Check(tmp)
    try:
        return 0 if check.run() else 1
    except KeyboardInterrupt:
        print("cluster-check interrupted: every process it started is stopped", file=sys.stderr)
        return 130
    except Exception:
        for log in sorted(tmp.glob("gunicorn-*.log")) + sorted(tmp.glob("nginx/error.log")):
            print(f"--- {log.name}:\n{log.read_text()[-2000:]}", file=sys.stderr)
        raise
    finally:
        check.procs.stop_all()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
