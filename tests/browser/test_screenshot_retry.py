"""A screenshot Chromium fails to capture on a loaded machine is taken again; other errors stand."""

import pytest
from playwright.sync_api import Error as PlaywrightError

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
