"""A screenshot Chromium fails to capture on a loaded machine is taken again; other errors stand.
Screenshots for a person to look at are taken when asked for (`make screenshots`)."""

import pytest
from playwright.sync_api import Error as PlaywrightError

from . import conftest
from .conftest import _retried_screenshot


class FakePage:
    def __init__(self):
        self.waited = 0

    def wait_for_timeout(self, ms):
        self.waited += 1


def failing(times, message="Protocol error (Page.captureScreenshot): Unable to capture screenshot"):
    calls = []

    def screenshot(page, **kwargs):
        calls.append(kwargs)
        if len(calls) <= times:
            raise PlaywrightError(message)
        return b"png"

    return screenshot, calls


def test_a_screenshot_that_chromium_could_not_capture_is_taken_again():
    screenshot, calls = failing(2)

    assert _retried_screenshot(screenshot)(FakePage(), path="x.png") == b"png"
    assert len(calls) == 3


def test_a_third_failure_or_another_error_stands():
    three_times, _ = failing(3)
    with pytest.raises(PlaywrightError, match="Unable to capture"):
        _retried_screenshot(three_times)(FakePage())

    other, calls = failing(1, message="Target page, context or browser has been closed")
    with pytest.raises(PlaywrightError, match="closed"):
        _retried_screenshot(other)(FakePage())
    assert len(calls) == 1


class RecordingPage:
    def __init__(self):
        self.taken = []

    def screenshot(self, path, full_page):
        self.taken.append(path)


def test_a_plain_run_takes_no_screenshot_for_a_person_to_look_at(screenshot, monkeypatch):
    monkeypatch.delenv("KIM_SCREENSHOTS", raising=False)
    monkeypatch.delenv("KIMPORTAL_DOCS_SCREENSHOTS", raising=False)
    page = RecordingPage()

    assert screenshot(page, "dashboard") is None
    assert page.taken == []


def test_make_screenshots_takes_them_into_the_artifacts_folder(screenshot, monkeypatch, tmp_path):
    monkeypatch.setenv("KIM_SCREENSHOTS", "1")
    monkeypatch.setattr(conftest, "ARTIFACTS", tmp_path)
    page = RecordingPage()

    assert screenshot(page, "dashboard", full_page=True) == tmp_path / "dashboard.png"
    assert page.taken == [str(tmp_path / "dashboard.png")]
