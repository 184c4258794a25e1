"""axe-core finds nothing on any page, on a 360 px phone and at the office's 1366 px: every public
page (walked from the dashboard's links, one page of each kind, in both languages) and every admin
page staff reach (the home page with its inbox and the lists it leads to, each model's list, add
form, a row's change form and history, the spreadsheet import and export)."""

import re
from urllib.parse import urlsplit

import pytest

from .conftest import OFFICE_SCREEN, PHONE, admin_log_in, axe_violations

walk = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SCREENS = {"phone": PHONE, "office": OFFICE_SCREEN}
LINKS = "(root) => [...root.querySelectorAll('a[href]')].map(a => new URL(a.getAttribute('href'), location.href).href)"


def violations(page) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}) {v['help']}: {[n['target'] for n in v['nodes']][:3]}" for v in axe_violations(page)
    ]


def kind(url: str) -> str:
    """/kim/3/ and /kim/7/ are one kind of page, /laporan/2025/ and /laporan/2026/ too."""
    return re.sub(r"\d+", "N", urlsplit(url).path)


def public_pages(page, base) -> list[str]:
    """The dashboard and every HTML page its links lead to, and theirs: the first of each kind."""
    found, todo = {kind(base + "/"): base + "/"}, [base + "/"]
    while todo:
        page.goto(todo.pop(0))
        for url in page.evaluate(LINKS, page.locator("body").element_handle()):
            url = url.split("#")[0]
            path = urlsplit(url).path
            if not url.startswith(base) or "?" in url or kind(url) in found or path.startswith(("/admin", "/petugas")):
                continue
            if "text/html" in page.request.get(url).headers.get("content-type", ""):
                found[kind(url)] = url
                todo.append(url)
    return list(found.values())


def admin_pages(page, base) -> list[str]:
    """The admin's home, what its inbox and model index link to, and from each list its first row's
    change form and history and the list's tools (import, export)."""
    page.goto(base + "/admin/")
    pages = [base + "/admin/"] + [u for u in page.evaluate(LINKS, page.locator("#content-main").element_handle())]
    for url in [u for u in pages if re.search(r"/admin/\w+/\w+/$", urlsplit(u).path)]:
        page.goto(url)
        rows = page.locator("#result_list tbody tr th a")
        if rows.count():
            change = rows.first.evaluate("a => a.href")
            pages += [change, change.replace("/change/", "/history/")]
        pages += [u for u in page.locator(".object-tools a").evaluate_all("as => as.map(a => a.href)")]
    return list(dict.fromkeys(u for u in pages if u.startswith(base + "/admin/")))


# The pages each walk found, per live server: a walk (every page loaded in Chromium) took half of
# a public shard's 25 s. The shards that run in one worker walk once; the demo they see is written
# with the same ids each time (tests/replay.py), and a page that no longer answers fails the shard.
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
            problems += [f"{url.removeprefix(base)} at {name}: {p}" for p in violations(page)]
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
    urls = walked("public", live_demo.url, lambda: public_pages(page, live_demo.url))
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
    urls = walked("admin", live_demo.url, lambda: admin_pages(page, live_demo.url))
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
