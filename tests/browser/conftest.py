"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser) against pytest-django's live server."""

import asyncio
import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from ..tools import missing_tool

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# KIM_ARTIFACTS: CI runs the PostgreSQL and SQLite suites side by side, each with a folder of its own.
ARTIFACTS = Path(os.environ.get("KIM_ARTIFACTS") or Path(__file__).resolve().parents[2] / "test-artifacts")
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
# axe-core, a test tool, is a fixture of the tests (not in static/, which collectstatic ships with the site).
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
OFFICE_SCREEN = {"width": 1366, "height": 768}  # Diskominfo staff's laptop


def axe_violations(page, within: str | None = None) -> list[dict]:
    """What axe-core finds on the page as shown, in the element `within` selects or the whole
    document. axe comes from the context's init script when new_page opened it with axe=True, else
    it is added to the page here."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    script = "within => axe.run(within || document, {resultTypes: ['violations']})"
    return page.evaluate(script, within)["violations"]


def axe_problems(page) -> list[str]:
    """axe_violations, each as a line to read in a failure: rule, impact, help, its first 3 targets."""
    return [
        f"{v['id']} ({v['impact']}) {v['help']}: {[n['target'] for n in v['nodes']][:3]}" for v in axe_violations(page)
    ]


def admin_log_in(page, base, username, *, next="/admin/"):
    """Sign `username` (with tests.factories.make_user's password) in to the admin and wait for `next`."""
    page.goto(f"{base}/admin/login/?next={next}")
    page.fill("#id_username", username)
    page.fill("#id_password", "rahasia-uji-123")
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}{next}")


def _retried_screenshot(screenshot):
    """Page.screenshot, tried again when Chromium answers "Unable to capture screenshot": on a
    loaded machine (CI runs two suites side by side) it now and then fails to capture a frame that
    a moment later it captures. Any other error, or a third failure, stands."""

    def take(page, *args, **kwargs):
        for attempt in range(3):
            try:
                return screenshot(page, *args, **kwargs)
            except PlaywrightError as error:
                if "Unable to capture screenshot" not in str(error) or attempt == 2:
                    raise
                page.wait_for_timeout(250)

    return take


class Chromium:
    """One Chromium (and one Playwright driver) for the browser tests that run one after the other:
    started by the first, closed after the last (see `last_in_a_row`), so starting them costs
    once, not two seconds a test. Each test still gets fresh contexts (closed after it).

    Between Playwright calls this thread's asyncio event loop is marked running, and Django then
    uses other database connections (thread-critical locals follow the loop): those lack what a
    serialized_rollback test restores from, and PostgreSQL would not drop a database they hold.
    So between tests the loop is marked stopped (`pause`), and marked running again before the next
    test's first call (`resume`), which is what Playwright itself does after every call."""

    playwright = None
    browser = None
    loop = None
    last_in_a_row = True

    @classmethod
    def get(cls):
        if cls.browser is None:
            from playwright.sync_api import sync_playwright

            cls.playwright = sync_playwright().start()
            cls.loop = asyncio.get_running_loop()
            cls.browser = cls.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        else:
            cls.resume()
        return cls.browser

    @classmethod
    def resume(cls):
        asyncio._set_running_loop(cls.loop)

    @classmethod
    def pause(cls):
        asyncio._set_running_loop(None)

    @classmethod
    def stop(cls):
        if cls.playwright is not None:
            cls.resume()
            try:
                cls.browser.close()
            finally:
                cls.playwright.stop()
                cls.playwright = cls.browser = cls.loop = None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Whether the test about to run is the last browser test in a row: the browser fixture then
    closes Chromium in its own teardown, before the session's fixtures end. (Closed after the whole
    teardown, a worker's last test closed it after the live server had stopped, and Chromium's open
    connections then ended in request threads that no longer shared the SQLite connection.)"""
    Chromium.last_in_a_row = nextitem is None or "browser" not in getattr(nextitem, "fixturenames", ())
    return (yield)


@pytest.fixture
def browser(monkeypatch):
    """Debian's Chromium, shared by the browser tests that run in a row (see Chromium); the
    contexts a test opens are closed after it."""
    if not Path(CHROMIUM).exists():
        missing_tool(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run installs it)")
    from django.db import connections

    # Playwright's sync API runs an event loop in this thread; Django's ORM is still safe to call
    # from it. Only for this test: a subprocess started later must not inherit the switch.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    monkeypatch.setattr(Page, "screenshot", _retried_screenshot(Page.screenshot))
    browser = Chromium.get()
    try:
        yield browser
    finally:
        try:
            for context in browser.contexts:
                context.close()
        finally:
            # Queries made while Playwright's loop runs use connections of their own: close them, or
            # PostgreSQL refuses to drop the test database at the end ("being accessed by other users").
            connections.close_all()
            Chromium.pause()
            if Chromium.last_in_a_row:
                Chromium.stop()


@pytest.fixture
def new_page(browser):
    """Open pages in fresh contexts: new_page(viewport, **context options). With axe=True every page
    of the context has axe-core from its start (an init script registered once): adding it after
    each load took 0.2-0.3 s a page, the init script 0.06 s (measured over ten public pages)."""
    contexts = []

    def open_page(viewport=DESKTOP, *, axe=False, **options):
        if axe:
            options["bypass_csp"] = True
        context = browser.new_context(viewport=viewport, locale="id-ID", **options)
        if axe:
            context.add_init_script(path=str(AXE))
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def phone(browser):
    """A phone-sized browser context (Android-like, 390 x 844), Indonesian locale."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="id-ID",
        timezone_id="Asia/Jakarta",
        service_workers="allow",
    )
    yield context
    context.close()


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def screenshots_wanted() -> bool:
    """Screenshots for a person to look at are taken when asked for (`make screenshots`): capturing
    and encoding them was a quarter of the layout tests' CPU (75 against 56 CPU-seconds for
    tests/browser/test_layout.py), and nobody looks at the ones a CI run makes. A screenshot a test
    reads (its colours, say) is taken always."""
    return os.environ.get("KIM_SCREENSHOTS") == "1" or os.environ.get("KIMPORTAL_DOCS_SCREENSHOTS") == "1"


@pytest.fixture
def screenshot():
    """Save a screenshot in test-artifacts/ (and in docs/img/ when KIMPORTAL_DOCS_SCREENSHOTS=1)
    when screenshots are wanted (KIM_SCREENSHOTS=1, `make screenshots`); the page is scrolled to
    `show` either way, so a test runs the same steps with or without them."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name, *, show=None, full_page=False):
        """The phone's screen (the whole page with full_page); scrolled to `show` (a selector) when given."""
        if show:
            # The queue list re-renders when the phone's state changes: retry a detached element.
            for attempt in range(3):
                try:
                    page.locator(show).first.scroll_into_view_if_needed()
                    break
                except Exception:
                    if attempt == 2:
                        raise
                    page.wait_for_timeout(200)
        path = ARTIFACTS / f"{name}.png"
        if not screenshots_wanted():
            return None
        page.screenshot(path=str(path), full_page=full_page)
        if os.environ.get("KIMPORTAL_DOCS_SCREENSHOTS") == "1":
            DOCS_IMG.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, DOCS_IMG / path.name)
        return path

    return take


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """The live server serves static files from the source folders, so use their plain (unhashed) names."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def live_demo(live_server):
    """The demo data of the source report, served by a live server."""
    from ..conftest import DEMO_ROWS, KOTIM_ROWS

    KOTIM_ROWS.write()
    DEMO_ROWS.write()
    return live_server
