"""axe-core finds nothing on any page, on a 360 px phone and at the office's 1366 px: every public
page (walked from the dashboard's links, one page of each kind, in both languages) and every admin
page staff reach (the home page with its inbox and the lists it leads to, each model's list, add
form, a row's change form and history, the spreadsheet import and export)."""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from .conftest import OFFICE_SCREEN, PHONE, admin_log_in, axe_problems

walk = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SCREENS = {"phone": PHONE, "office": OFFICE_SCREEN}


def kind(url: str) -> str:
    """/kim/3/ and /kim/7/ are one kind of page, /laporan/2025/ and /laporan/2026/ too."""
    return re.sub(r"\d+", "N", urlsplit(url).path)


class Links(HTMLParser):
    """Each <a href> of a page, resolved against its address, with the ids and classes of the
    elements it sits in (the admin's and the portal's HTML close what they open)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, url):
        super().__init__()
        self.url, self.open, self.found = url, [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href") is not None:
            self.found.append((urljoin(self.url, attrs["href"]), list(self.open)))
        if tag not in self.VOID:
            self.open.append((tag, attrs.get("id"), set((attrs.get("class") or "").split())))

    def handle_endtag(self, tag):
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth][0] == tag:
                del self.open[depth:]
                break

    @classmethod
    def of(cls, client, url) -> list[tuple[str, list]]:
        parts = urlsplit(url)
        answer = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
        assert answer.status_code == 200, f"{url} answered {answer.status_code}"
        parser = cls(url)
        parser.feed(answer.content.decode())
        return parser.found


def within(ancestors, *, id=None, cls=None, tag=None) -> bool:
    return any((id and i == id) or (cls and cls in c) or (tag and t == tag) for t, i, c in ancestors)


# The walks read the pages' HTML with Django's test client (the same links as Chromium's DOM gave,
# checked side by side); the shards then load each page in Chromium for axe.
def public_pages(base) -> list[str]:
    """The dashboard and every HTML page its links lead to, and theirs: the first of each kind."""
    client = Client()
    found, todo = {kind(base + "/"): base + "/"}, [base + "/"]
    while todo:
        for url, _ in Links.of(client, todo.pop(0)):
            url = url.split("#")[0]
            path = urlsplit(url).path
            if not url.startswith(base) or "?" in url or kind(url) in found or path.startswith(("/admin", "/petugas")):
                continue
            if "text/html" in client.get(path).headers.get("content-type", ""):
                found[kind(url)] = url
                todo.append(url)
    return list(found.values())


def admin_pages(base, user) -> list[str]:
    """The admin's home, what its inbox and model index link to, and from each list its first row's
    change form and history and the list's tools (import, export)."""
    client = Client()
    client.force_login(user)
    links = Links.of(client, base + "/admin/")
    pages = [base + "/admin/"] + [url for url, ancestors in links if within(ancestors, id="content-main")]
    for url in [u for u in pages if re.search(r"/admin/\w+/\w+/$", urlsplit(u).path)]:
        links = Links.of(client, url)
        rows = [
            u
            for u, ancestors in links
            if within(ancestors, id="result_list") and within(ancestors, tag="tbody") and within(ancestors, tag="th")
        ]
        if rows:
            pages += [rows[0], rows[0].replace("/change/", "/history/")]
        pages += [u for u, ancestors in links if within(ancestors, cls="object-tools")]
    return list(dict.fromkeys(u for u in pages if u.startswith(base + "/admin/")))


# The pages each walk found, per live server: the shards that run in one worker walk once (1.5 s
# each walk; 8-10 s when the walk loaded every page in Chromium). The demo they see is written with
# the same ids each time (tests/replay.py), and a page that no longer answers fails the shard.
WALKED: dict[tuple[str, str], list[str]] = {}


def walked(name: str, base: str, walk) -> list[str]:
    if (name, base) not in WALKED:
        WALKED[name, base] = walk()
    return WALKED[name, base]


def violations_at_both_widths(page, urls, base) -> list[str]:
    """Each page loaded once and checked at each screen width in turn (a load per width doubled
    the walk's time: about 4 minutes a suite)."""
    problems = []
    for url in urls:
        answer = page.goto(url)
        assert answer.ok, f"{url} answered {answer.status}"
        for name, screen in SCREENS.items():
            page.set_viewport_size(screen)
            problems += [f"{url.removeprefix(base)} at {name}: {p}" for p in axe_problems(page)]
    return problems


# The walks are cut into shards, each page in exactly one (pytest-xdist runs shards side by side): the
# admin's walk alone took two minutes in one test, longer than the rest of a worker's share.
PUBLIC_SHARDS, ADMIN_SHARDS = 2, 6


def shard(urls: list[str], number: int, shards: int) -> list[str]:
    """Every `shards`-th page from the `number`-th: the shards together hold each page once."""
    return urls[number::shards]


@pytest.mark.browser
@walk
@pytest.mark.parametrize("number", range(PUBLIC_SHARDS))
def test_axe_finds_nothing_on_any_public_page(number, live_demo, new_page):
    page = new_page(PHONE, axe=True)
    urls = walked("public", live_demo.url, lambda: public_pages(live_demo.url))
    assert {
        "/",
        "/kim/",
        "/kim/N/",
        "/kecamatan/N.N.N/",
        "/data/",
        "/data/coverage/",
        "/laporan/N/",
        "/membentuk-kim/",
    } <= set(map(kind, urls))
    problems = violations_at_both_widths(page, shard(urls, number, PUBLIC_SHARDS), live_demo.url)
    assert problems == [], "\n".join(problems)


@pytest.mark.browser
@walk
@pytest.mark.parametrize("number", range(ADMIN_SHARDS))
def test_axe_finds_nothing_on_any_admin_page_staff_reach(number, live_demo, staff, new_page):
    page = new_page(OFFICE_SCREEN, axe=True)
    admin_log_in(page, live_demo.url, "sari")
    urls = walked("admin", live_demo.url, lambda: admin_pages(live_demo.url, staff))
    paths = [urlsplit(u).path for u in urls]
    assert {"/admin/registry/kim/add/", "/admin/registry/kim/import/", "/admin/coverage/outreachevent/add/"} <= set(
        paths
    )
    assert sum(p.endswith("/history/") for p in paths) > 5
    problems = violations_at_both_widths(page, shard(urls, number, ADMIN_SHARDS), live_demo.url)
    assert problems == [], "\n".join(problems)


def test_the_shards_hold_every_page_once():
    urls = [f"/page/{n}/" for n in range(23)]
    held = [url for number in range(ADMIN_SHARDS) for url in shard(urls, number, ADMIN_SHARDS)]
    assert sorted(held) == sorted(urls)
